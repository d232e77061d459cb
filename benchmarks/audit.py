"""Audited saves per second on the deadline day: every writer takes the one head row in turn."""

import statistics
import threading
import time

from django.db import connection, connections, transaction

from audit.trail import record
from villages.models import Village

THREADS = (1, 4, 16)
SECONDS = 10


def _worker(village_id, audited, stop, results):
    durations = []
    try:
        while not stop.is_set():
            started = time.perf_counter()
            with transaction.atomic():
                village = Village.objects.select_for_update().get(pk=village_id)
                village.grid_count = village.grid_count + 1
                village.save(update_fields=["grid_count"])
                if audited:
                    record(action="bench.save", target=village, after={"grid_count": 1})
            durations.append(time.perf_counter() - started)
    finally:
        connections.close_all()
    results.append(durations)


def _surge(villages, audited):
    stop, results = threading.Event(), []
    workers = [
        threading.Thread(target=_worker, args=(village_id, audited, stop, results))
        for village_id in villages
    ]
    for worker in workers:
        worker.start()
    time.sleep(SECONDS)
    stop.set()
    for worker in workers:
        worker.join()
    durations = sorted(d for batch in results for d in batch)
    return (
        len(durations) / SECONDS,
        statistics.median(durations) * 1000,
        durations[int(len(durations) * 0.95)] * 1000,
    )


def section():
    """Each writer saves its own village over and over (no contention but the audit head)."""
    village_ids = list(Village.objects.order_by("pk").values_list("pk", flat=True)[: max(THREADS)])
    rows = []
    for threads in THREADS:
        plain = _surge(village_ids[:threads], audited=False)
        audited = _surge(village_ids[:threads], audited=True)
        rows.append(
            f"| {threads} | {plain[0]:,.0f} | {audited[0]:,.0f} | "
            f"{audited[1]:.1f} / {audited[2]:.1f} ms | {audited[0] / plain[0]:.0%} |"
        )
    connection.close()
    return [
        "## 6. Audit trail: saves per second under the deadline-day surge",
        "",
        f"Each writer (a thread with its own connection) saves its own village for {SECONDS} s",
        "in a loop, once without and once with its audit entry (`audit.trail.record`: the",
        "head row locked, the entry numbered, HMAC-chained and written, the versions of its",
        "place and the regions above it moved, the head moved).",
        "The writers contend for nothing but the audit head.",
        "",
        "| writers | saves/s, no audit | audited saves/s | audited save, median / p95 "
        "| audited / plain |",
        "|---|---|---|---|---|",
        *rows,
    ]
