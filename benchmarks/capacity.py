"""Capacity on the deadline day, measured the way a phone meets the portal.

Each request of the table is played by a closed loop of clients under gunicorn, doubling the
clients until the 95th percentile passes a second, beside a bare Django view (benchmarks/
bare.py: no middleware, no database) as the physical floor and the portal's cheapest signed-in
page as its own floor. The client opens a connection when it sends and closes it after the
answer, as a phone on a weak signal does. Two worker models, each served directly and behind
nginx, are compared alone, beside connections held open and idle, and by saves; the surge of
secretaries is played at two paces by the same client.
"""

import asyncio
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.files.base import ContentFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils.crypto import get_random_string
from PIL import Image

from assessments.documents import pass_list_document
from assessments.models import Assessment, Campaign, Criterion, Evidence, PassList
from pingan.pdf import render_pdf
from villages.models import Membership, User, Village

ROOT = Path(__file__).resolve().parent.parent
PORT = 8012
BARE_PORT = 8013
LEVELS = (1, 2, 4, 8, 16, 32, 64)
STEP_SECONDS = 6
P95_LIMIT = 1.0
IDLE_CONNECTIONS = 20
# Turns each way of serving, and each request's CPU, takes: the machine's other tenants come
# and go within a run, so each keeps its median turn.
ROUNDS = 3
# The two ways of serving on 2 cores: sync workers (each holds one connection from accept to
# answer) and threaded workers (gunicorn hands each new connection to a thread at once, so
# a connection that never sends holds a thread until the timeout, as a sync worker is held).
WORKER_MODELS = {
    "sync": ["--workers", str(2 * (os.cpu_count() or 1) + 1)],
    "gthread": [
        "--worker-class",
        "gthread",
        "--workers",
        str((os.cpu_count() or 1) + 1),
        "--threads",
        "8",
    ],
}
# Each worker model served directly and behind nginx, which reads a whole request (a photo
# included) before it passes it on, so only complete requests reach a worker.
DEPLOYMENTS = [(model, proxied) for proxied in (False, True) for model in WORKER_MODELS]
NGINX = Path("/usr/sbin/nginx")
UPSTREAM_OFFSET = 100
NGINX_CONFIG = """
daemon off;
worker_processes 1;
pid {folder}/nginx-{port}.pid;
error_log {folder}/nginx-{port}.log warn;
{user}
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/nginx-{port}-body;
    proxy_temp_path {folder}/nginx-{port}-proxy;
    fastcgi_temp_path {folder}/nginx-{port}-fastcgi;
    uwsgi_temp_path {folder}/nginx-{port}-uwsgi;
    scgi_temp_path {folder}/nginx-{port}-scgi;
    client_max_body_size {body_limit}m;
    client_body_buffer_size 1m;
    server {{
        listen 127.0.0.1:{port} backlog=2048;
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_request_buffering on;
            proxy_buffering on;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""
PACES = ((2.0, 8.0), (10.0, 30.0))
WORKER_NICENESS = 10
WORKER_COMMAND = ("manage.py", "db_worker", "--no-reload")
BACKGROUND_WORKER = "background worker"
LOAD_GENERATOR = "load generator"
CPU_COLUMNS = ("gunicorn", "nginx", "PostgreSQL", BACKGROUND_WORKER, LOAD_GENERATOR)
HEADING = "## 3. Capacity: every request against the floors, and the deadline-day surge"


@dataclass
class Outcome:
    latencies: list
    errors: int
    seconds: float
    refusals: Counter = field(default_factory=Counter)

    @property
    def served(self):
        return len(self.latencies) / self.seconds

    def percentile(self, share):
        if not self.latencies:
            return float("inf")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def raw_request(method, path, *, cookie="", csrf="", body=b"", content_type=""):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    if csrf:
        lines += [f"X-CSRFToken: {csrf}", "Referer: http://127.0.0.1/"]
    if body:
        lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


BOUNDARY = "----pinganbenchmark"


def upload_request(path, person, photo):
    """A photo sent as the evidence form sends it."""
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"'
            "\r\nContent-Type: image/jpeg\r\n\r\n"
        ).encode()
        + photo
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return raw_request(
        "POST",
        path,
        cookie=person["cookie"],
        csrf=person["csrf"],
        body=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def save_request(path, person, value):
    """A camera count saved as the criterion form saves it."""
    return raw_request(
        "POST",
        path,
        cookie=person["cookie"],
        csrf=person["csrf"],
        body=f"value={value}&narrative=benchmark".encode(),
        content_type="application/x-www-form-urlencoded",
    )


async def send(port, request, timeout=30.0):
    """Connect, send, read the whole answer, close: (status, seconds)."""
    started = time.perf_counter()
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        writer.write(request)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    return int(answer[9:12] or 0), time.perf_counter() - started


async def _closed_loop(port, requests, clients, seconds):
    latencies, refusals = [], Counter()
    deadline = time.perf_counter() + seconds

    async def client(request):
        while time.perf_counter() < deadline:
            try:
                status, took = await send(port, request)
            except (TimeoutError, OSError, ValueError) as error:
                refusals[type(error).__name__] += 1
                continue
            if status >= 400:
                refusals[status] += 1
            else:
                latencies.append(took)

    started = time.perf_counter()
    await asyncio.gather(*(client(requests[turn % len(requests)]) for turn in range(clients)))
    elapsed = time.perf_counter() - started
    return Outcome(latencies, sum(refusals.values()), elapsed, refusals)


async def _held_idle(port, count, until):
    """Connections opened and left silent, as a phone that connected and then lost signal."""
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(count)]
    await asyncio.sleep(max(0.0, until - time.perf_counter()))
    for _reader, writer in held:
        writer.close()


def closed_loop(port, requests, clients, seconds=STEP_SECONDS, idle=0):
    """`requests` (one raw request, or a list of them dealt out one per client) sent by
    `clients` clients in a closed loop."""
    requests = requests if isinstance(requests, list) else [requests]

    async def run():
        until = time.perf_counter() + seconds + 1
        holding = asyncio.ensure_future(_held_idle(port, idle, until)) if idle else None
        if holding:
            await asyncio.sleep(0.5)
        outcome = await _closed_loop(port, requests, clients, seconds)
        if holding:
            await holding
        return outcome

    return asyncio.run(run())


def rising(port, request):
    """The request at doubling numbers of clients until p95 passes the limit."""
    rows = []
    for clients in LEVELS:
        outcome = closed_loop(port, request, clients)
        rows.append((clients, outcome))
        print(
            f"  {clients} clients: {outcome.served:.1f}/s p95 {outcome.percentile(0.95):.3f} s"
            f" refused {dict(outcome.refusals)}",
            file=sys.stderr,
            flush=True,
        )
        if outcome.percentile(0.95) > P95_LIMIT:
            break
    return rows


def cpu_per_request(port, request, served):
    """The CPU each process group spent on one request while one client played it, counted
    until the background worker had finished what the requests gave it."""
    before, client_before = served.cpu_by_process(), _own_cpu_seconds()
    outcome = closed_loop(port, request, 1)
    client_spent = _own_cpu_seconds() - client_before
    drained()
    after = served.cpu_by_process()
    count = len(outcome.latencies) + outcome.errors
    spent = {
        # A process that ended meanwhile (an autovacuum worker) is left out; one that started
        # counts from its start.
        name: sum(ticks - before[name].get(pid, 0) for pid, ticks in processes.items()) / count
        for name, processes in after.items()
    }
    spent[LOAD_GENERATOR] = client_spent / count
    return spent


def _stat(pid):
    """The fields of /proc/`pid`/stat after the command's name (state, parent, …)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_seconds(pids):
    """{pid: CPU time (user and system) spent so far} of those of `pids` still running."""
    spent = {}
    for pid in pids:
        try:
            fields = _stat(pid)
        except OSError:
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return spent


def _own_cpu_seconds():
    times = os.times()
    return times.user + times.system


def _family(pid):
    """`pid` and every process below it."""
    family, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        family.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                waiting += [int(child) for child in children.read_text().split()]
            except OSError:
                continue
    return family


def _database_server():
    """The PostgreSQL server's processes (its backends, and the writers a commit wakes)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    try:
        parent = int(_stat(backend)[1])
    except OSError:
        # A server on another machine: its CPU is not this machine's to count.
        return []
    return _family(parent)


def surge(port, people, photo, pace, seconds):
    """Each secretary pauses, then connects and sends: four saves to one photo."""

    async def run():
        latencies, errors = [], 0
        deadline = time.perf_counter() + seconds

        async def secretary(person, turn):
            nonlocal errors
            upload = upload_request(person["upload"], person, photo)
            while True:
                await asyncio.sleep(random.uniform(*pace))
                if time.perf_counter() >= deadline:
                    return
                turn += 1
                if turn % 5 == 0:
                    request = upload
                else:
                    request = save_request(person["save"], person, 5 + turn % 20)
                try:
                    status, took = await send(port, request)
                except (TimeoutError, OSError, ValueError):
                    errors += 1
                    continue
                if status >= 400:
                    errors += 1
                else:
                    latencies.append(took)

        started = time.perf_counter()
        await asyncio.gather(*(secretary(p, i) for i, p in enumerate(people)))
        return Outcome(latencies, errors, time.perf_counter() - started)

    return asyncio.run(run())


def drained(limit=900):
    """(photos waiting for the worker, seconds until it had finished them all)."""
    waiting = Evidence.objects.filter(status=Evidence.Status.PROCESSING)
    left, started = waiting.count(), time.perf_counter()
    while waiting.exists() and time.perf_counter() - started < limit:
        time.sleep(0.5)
    return left, time.perf_counter() - started


def secretaries(count):
    """Secretaries of villages still answering this year, each with a signed-in session."""
    assessments = list(
        Assessment.objects.filter(
            campaign__status=Campaign.Status.SELF_ASSESSMENT,
            kind=Assessment.Kind.YEARLY,
            status__in=Assessment.EDITABLE_STATUSES,
        )
        .exclude(village__code__startswith="429006104")
        .select_related("village")
        .order_by("village__code")[:count]
    )
    threshold = Criterion.objects.get(
        standard=assessments[0].standard, kind=Criterion.Kind.THRESHOLD
    )
    users = User.objects.bulk_create(
        [User(username=f"bench-secretary-{a.village.code}") for a in assessments]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, role=Membership.Role.SECRETARY, village=a.village)
            for user, a in zip(users, assessments, strict=True)
        ]
    )
    people = []
    for user, assessment in zip(users, assessments, strict=True):
        user.set_unusable_password()
        user.save(update_fields=["password"])
        people.append(
            {
                **signed_in(user),
                "save": reverse(
                    "assessments:assessment_criterion", args=[assessment.pk, threshold.pk]
                ),
                "upload": reverse(
                    "assessments:evidence_upload", args=[assessment.pk, threshold.pk]
                ),
            }
        )
    return users, people


def signed_in(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "villages.authentication.PasswordBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = get_random_string(32)
    return {"cookie": f"sessionid={session.session_key}; csrftoken={csrf}", "csrf": csrf}


def photo_bytes():
    """A phone-sized JPEG of about 600 KB, as the surge of section 3 sends."""
    rng = random.Random(7)
    image = Image.new("RGB", (1280, 960))
    image.putdata([(rng.randrange(256), 120, 80) for _ in range(1280 * 960)])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def filed_pass_list(town):
    """The latest filed pass list of the town, with its PDF kept as filing keeps it."""
    pass_list = PassList.objects.filter(campaign__town=town).order_by("-campaign__year").first()
    if not pass_list.pdf:
        entries = list(pass_list.entries.order_by("position"))
        pdf = render_pdf("documents/pass_list.html", pass_list_document(pass_list, entries))
        pass_list.pdf.save(f"bench-pass-list-{town.code}.pdf", ContentFile(pdf))
    return pass_list


def requests_of_the_table(town, people=()):
    """(label, port, raw request or one per client) for each row of the capacity table. A
    save and an upload are sent by `people` (secretaries of other villages, one per client, as
    on the deadline day), and the save also by one secretary alone: every client then waits
    for the same assessment's lock in turn."""
    village = Village.objects.get(code="429006104001")
    current = Campaign.objects.filter(town=town).order_by("-year").first()
    assessment = Assessment.objects.get(campaign=current, village=village, kind="yearly")
    threshold = Criterion.objects.get(standard=assessment.standard, kind=Criterion.Kind.THRESHOLD)
    secretary, _ = User.objects.get_or_create(username="bench-capacity-secretary")
    Membership.objects.get_or_create(
        user=secretary, role=Membership.Role.SECRETARY, village=village
    )
    office, _ = User.objects.get_or_create(username="bench-capacity-office")
    Membership.objects.get_or_create(user=office, role=Membership.Role.TOWN_OFFICE, region=town)
    mine, theirs = signed_in(secretary), signed_in(office)
    photo = photo_bytes()
    pass_list = filed_pass_list(town)
    save_url = reverse("assessments:assessment_criterion", args=[assessment.pk, threshold.pk])
    upload_url = reverse("assessments:evidence_upload", args=[assessment.pk, threshold.pk])
    rows = [
        ("bare Django view (no middleware, no database)", BARE_PORT, raw_request("GET", "/")),
        (
            "portal floor: 我的下载 as a secretary",
            PORT,
            raw_request("GET", reverse("assessments:prepared_file_list"), cookie=mine["cookie"]),
        ),
        (
            "save one answer (POST), every client the same village's secretary",
            PORT,
            save_request(save_url, mine, 6),
        ),
    ]
    # On the deadline day each phone is another village's: their writes wait for no one's
    # lock but the audit trail's.
    others = people[: max(LEVELS)]
    if others:
        rows.append(
            (
                "save one answer (POST), each client another village's secretary",
                PORT,
                [save_request(person["save"], person, 6) for person in others],
            )
        )
    rows.append(
        (
            f"upload a {len(photo) // 1024} KB photo"
            + (", each client another village's secretary" if others else ""),
            PORT,
            [upload_request(person["upload"], person, photo) for person in others]
            or upload_request(upload_url, mine, photo),
        )
    )
    rows += [
        (
            "town workbench",
            PORT,
            raw_request(
                "GET",
                reverse("assessments:town_dashboard", args=[town.pk]),
                cookie=theirs["cookie"],
            ),
        ),
        (
            "filed pass list PDF",
            PORT,
            raw_request(
                "GET",
                reverse("assessments:pass_list_pdf", args=[pass_list.campaign_id]),
                cookie=theirs["cookie"],
            ),
        ),
    ]
    return photo, rows


def deployment_name(model, proxied):
    return f"{model} behind nginx" if proxied else model


class Served:
    """gunicorn (behind nginx when `proxied`, and with the background worker for the portal)
    on the benchmark's database, answering on `port` until closed."""

    def __init__(self, app, port, model, folder, proxied=False):
        database = settings.DATABASES["default"]
        url = (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "MEDIA_ROOT": str(Path(folder) / "media"),
            "CACHE_URL": f"filecache://{Path(folder) / 'cache'}",
            "TRUSTED_PROXY_COUNT": "1" if proxied else "0",
        }
        gunicorn_port = port + UPSTREAM_OFFSET if proxied else port
        self.log_path = Path(folder) / f"{model}-{port}.log"
        self.log = self.log_path.open("w")
        command = [str(Path(sys.executable).parent / "gunicorn"), app, "--bind"]
        command += [f"127.0.0.1:{gunicorn_port}", "--timeout", "120", "--backlog", "2048"]
        self.processes = [
            subprocess.Popen(
                command + WORKER_MODELS[model],
                cwd=ROOT,
                env=environment,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
        ]
        self.proxy = self._nginx(folder, port, gunicorn_port) if proxied else None
        if self.proxy:
            self.processes.append(self.proxy)
        self.worker = None
        if app == "pingan.wsgi":
            self.worker = subprocess.Popen(
                # At a lower priority than the requests, as the README deploys it.
                ["nice", "-n", str(WORKER_NICENESS), sys.executable, *WORKER_COMMAND],
                cwd=ROOT,
                env=environment,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
            self.processes.append(self.worker)
        self.port = port
        self._wait()

    def cpu_by_process(self):
        """{group: {pid: CPU seconds so far}} of the processes a request may spend CPU in."""
        groups = {"gunicorn": _family(self.processes[0].pid)}
        if self.proxy:
            groups["nginx"] = _family(self.proxy.pid)
        groups["PostgreSQL"] = _database_server()
        if self.worker:
            groups[BACKGROUND_WORKER] = _family(self.worker.pid)
        return {name: _cpu_seconds(pids) for name, pids in groups.items()}

    def _nginx(self, folder, port, upstream):
        if not NGINX.exists():
            raise RuntimeError("nginx is missing: run scripts/system-packages bench")
        config = Path(folder) / f"nginx-{port}.conf"
        config.write_text(
            NGINX_CONFIG.format(
                folder=folder,
                port=port,
                upstream=upstream,
                body_limit=settings.EVIDENCE_MAX_BYTES // (1024 * 1024) + 5,
                # Started by root, nginx would hand its workers to nobody, who cannot write
                # the temporary folder.
                user="user root;" if os.geteuid() == 0 else "",
            )
        )
        return subprocess.Popen(
            [str(NGINX), "-p", folder, "-e", f"{folder}/nginx-{port}.log", "-c", str(config)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def _wait(self):
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2)
            except urllib.error.HTTPError as error:
                # nginx answers 502 until gunicorn is up behind it.
                if error.code != 502:
                    break
                time.sleep(0.5)
                continue
            except OSError:
                time.sleep(0.5)
                continue
            break
        else:
            self.close()
            raise RuntimeError("gunicorn did not start:\n" + self.log_path.read_text()[-3000:])

    def close(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=60)
        self.log.close()


def _median_turn(turns, key=lambda outcome: outcome.served):
    """The turn whose `key` (by default the requests it served) is the median of the rounds."""
    return sorted(turns, key=key)[len(turns) // 2]


def _ms(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds != float("inf") else "—"


def section(town, surge_people):
    lines = [HEADING, ""]
    with tempfile.TemporaryDirectory() as folder:
        # The filed pass list's PDF is kept where the servers read their media.
        with override_settings(MEDIA_ROOT=Path(folder) / "media"):
            photo, table = requests_of_the_table(town, surge_people)
        # How to serve: at 8 clients, the portal floor alone and beside idle connections, and
        # saves; the way whose worst showing against the best way's is least bad. The ways
        # take turns, round after round, and each keeps its median: the machine's other
        # tenants come and go within a run.
        floor_request = table[1][2]
        saves = next(row[2] for row in reversed(table) if row[0].startswith("save"))
        turns = {deployment: [] for deployment in DEPLOYMENTS}
        for _ in range(ROUNDS):
            for model, proxied in DEPLOYMENTS:
                served = Served("pingan.wsgi", PORT, model, folder, proxied)
                try:
                    closed_loop(PORT, floor_request, 8, seconds=3)
                    turns[(model, proxied)].append(
                        (
                            closed_loop(PORT, floor_request, 8),
                            closed_loop(PORT, floor_request, 8, idle=IDLE_CONNECTIONS),
                            closed_loop(PORT, saves, 8),
                        )
                    )
                finally:
                    served.close()
        models = [
            (deployment, *(_median_turn(outcomes) for outcomes in zip(*rounds, strict=True)))
            for deployment, rounds in turns.items()
        ]
        bests = {column: max(row[column].served for row in models) for column in (1, 2, 3)}
        chosen = max(
            models, key=lambda row: min(row[c].served / best for c, best in bests.items())
        )[0]
        lines += [
            "How to serve, chosen by measurement: with 8 clients, the portal floor alone and",
            f"with {IDLE_CONNECTIONS} connections held open and silent (a phone that",
            "connected and lost its signal), and saves (as in the table below); chosen is the",
            "way whose lowest share of the best way's figure, over the three, is highest.",
            f"The ways take turns, {ROUNDS} rounds of {STEP_SECONDS} s each; each figure",
            "is its median turn.",
            "",
            "| serving | floor alone: req/s | p95 | beside idle connections: req/s | p95 | "
            "saves: req/s | p95 | errors |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for (model, proxied), alone, beside, saved in models:
            lines.append(
                f"| {deployment_name(model, proxied)} `{' '.join(WORKER_MODELS[model])}` | "
                f"{alone.served:.1f} | {_ms(alone.percentile(0.95))} | "
                f"{beside.served:.1f} | {_ms(beside.percentile(0.95))} | "
                f"{saved.served:.1f} | {_ms(saved.percentile(0.95))} | "
                f"{alone.errors + beside.errors + saved.errors} |"
            )
        lines += [
            "",
            f"Chosen: **{deployment_name(*chosen)}** (`{' '.join(WORKER_MODELS[chosen[0]])}`);",
            "the bare view below is served the same way.",
            "",
        ]

        model, proxied = chosen
        bare = Served("benchmarks.bare", BARE_PORT, model, folder, proxied)
        portal = Served("pingan.wsgi", PORT, model, folder, proxied)
        results, backlog = [], None
        cpu_turns = {label: [] for label, _, _ in table}
        try:
            for label, port, request in table:
                print(label, file=sys.stderr, flush=True)
                closed_loop(port, request, 2, seconds=2)
                results.append((label, rising(port, request)))
                if label.startswith("upload"):
                    backlog = drained()
            # The CPU of each request in turns, round after round, each keeping its median
            # turn: the machine's other tenants slow one minute and not the next.
            for _ in range(ROUNDS):
                for label, port, request in table:
                    served = bare if port == BARE_PORT else portal
                    cpu_turns[label].append(cpu_per_request(port, request, served))
            surges = (
                [(pace, surge(PORT, surge_people, photo, pace, 60)) for pace in PACES]
                if surge_people
                else []
            )
        finally:
            bare.close()
            portal.close()
            tracebacks = sum(
                path.read_text().count("Traceback") for path in Path(folder).glob("*.log")
            )

    best = {label: max(outcome.served for _, outcome in rows) for label, rows in results}
    floor = best[table[1][0]]
    lines += [
        f"Each request played by a closed loop of clients for {STEP_SECONDS} s at 1, 2, 4, …",
        "clients until its p95 passes 1 s; the client connects for each request and closes",
        "after the answer. Best req/s over the levels; p50 at one client; × is the share of",
        "the portal floor's best.",
        "",
        "| request | best req/s | at clients | p50 at 1 client | × portal floor | "
        "req/s (p95) at each level |",
        "|---|---|---|---|---|---|",
    ]
    for label, rows in results:
        top_clients, top = max(rows, key=lambda row: row[1].served)
        levels = "; ".join(
            f"{clients}: {outcome.served:.0f} ({_ms(outcome.percentile(0.95))})"
            + (f", {outcome.errors} errors" if outcome.errors else "")
            for clients, outcome in rows
        )
        lines.append(
            f"| {label} | {top.served:.1f} | {top_clients} | "
            f"{_ms(rows[0][1].percentile(0.5))} | "
            f"{best[label] / floor:.2f} | {levels} |"
        )
    cores = os.cpu_count() or 1
    lines += [
        "",
        "Where a request's CPU goes: milliseconds of CPU (user and system) each group of",
        f"processes spent per request while one client played it for {STEP_SECONDS} s, read",
        "from the kernel's counts before and after, and after the background worker had",
        f"finished what it was given. The requests take turns, {ROUNDS} rounds; each row",
        f"is its turn of median total. The ceiling is what the machine's {cores} cores could",
        f"serve of the request if nothing waited: {cores} × 1000 ms over the total.",
        "",
        "| request | " + " | ".join(CPU_COLUMNS) + " | total | ceiling req/s |",
        "|---|" + "---|" * (len(CPU_COLUMNS) + 2),
    ]
    for label, turns in cpu_turns.items():
        spent = _median_turn(turns, key=lambda turn: sum(turn.values()))
        total = sum(spent.values())
        lines.append(
            f"| {label} | "
            + " | ".join(
                f"{spent[column] * 1000:.2f}" if column in spent else "—" for column in CPU_COLUMNS
            )
            + f" | {total * 1000:.2f} | {cores / total:.0f} |"
        )
    if backlog is not None:
        lines += [
            "",
            f"When the upload's last step ended, {backlog[0]} photos were waiting for the",
            f"background worker (run at `nice -n {WORKER_NICENESS}`, below the requests, as the",
            f"README deploys it); it had finished them {backlog[1]:.0f} s later. A photo shows",
            "处理中 until then and is never served before it is decoded and written again.",
        ]
    if surges:
        lines += [
            "",
            f"The surge: {len(surge_people)} secretaries of the generated villages, each",
            "pausing as the pace says, then connecting and sending (four saves to one upload",
            "of the photo above), 60 s at each pace.",
            "",
            "| pause | offered | served req/s | errors | p50 | p95 | p99 |",
            "|---|---|---|---|---|---|---|",
        ]
        for pace, outcome in surges:
            offered = len(surge_people) / statistics.mean(pace)
            lines.append(
                f"| {pace[0]:.0f}–{pace[1]:.0f} s | ~{offered:.0f}/s | {outcome.served:.1f} | "
                f"{outcome.errors} | {_ms(outcome.percentile(0.5))} | "
                f"{_ms(outcome.percentile(0.95))} | {_ms(outcome.percentile(0.99))} |"
            )
    lines += ["", f"The servers logged {tracebacks} tracebacks."]
    return lines
