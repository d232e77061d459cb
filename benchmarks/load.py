"""The deadline-day surge: secretaries saving answers and uploading photos, under gunicorn.

Each secretary gets a real session (as after signing in) and works on the current year's
assessment of a village of the generated province: four in five requests save an answer, one
in five uploads a phone-sized photo, with a pause between requests. wrk (Debian package
`wrk`) plays them on loopback against gunicorn on the benchmark's PostgreSQL database.
"""

import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from PIL import Image

from assessments.models import Answer, Assessment, Campaign, Criterion, Evidence
from villages.models import Membership, User

ROOT = Path(__file__).resolve().parent.parent
PORT = 8011
WORKERS = 2 * (os.cpu_count() or 1) + 1
# Seconds between one secretary's requests: a frantic pace, then a brisk one.
PACES = ((2000, 8000), (10000, 30000))

SCRIPT = r"""
local users = %(users)s
local photo = %(photo)s
local boundary = "----pinganbenchmark"
local counter = 0

function init(args)
  counter = math.random(#users)
end

function delay()
  return math.random(%(think_low)d, %(think_high)d)
end

function request()
  counter = counter + 1
  local user = users[(counter %% #users) + 1]
  local headers = {}
  headers["Cookie"] = "sessionid=" .. user.session .. "; csrftoken=" .. user.csrf
  headers["X-CSRFToken"] = user.csrf
  if counter %% 5 == 0 then
    headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
    local body = "--" .. boundary .. "\r\n" ..
      'Content-Disposition: form-data; name="file"; filename="photo.jpg"\r\n' ..
      "Content-Type: image/jpeg\r\n\r\n" .. photo .. "\r\n--" .. boundary .. "--\r\n"
    return wrk.format("POST", user.upload, headers, body)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  local body = "value=" .. tostring(5 + counter %% 20) .. "&narrative=benchmark"
  return wrk.format("POST", user.save, headers, body)
end

function done(summary, latency, requests)
  local result = {
    requests = summary.requests,
    duration_us = summary.duration,
    errors = summary.errors,
    p50_ms = latency:percentile(50) / 1000,
    p95_ms = latency:percentile(95) / 1000,
    p99_ms = latency:percentile(99) / 1000,
    max_ms = latency.max / 1000,
  }
  io.write("RESULT " .. string.format(
    '{"requests": %%d, "seconds": %%.1f, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50": %%.1f, "p95": %%.1f, "p99": %%.1f, "max": %%.1f}',
    result.requests, result.duration_us / 1e6, result.errors.connect, result.errors.read,
    result.errors.write, result.errors.status, result.errors.timeout,
    result.p50_ms, result.p95_ms, result.p99_ms, result.max_ms) .. "\n")
end
"""


def _lua_string(data):
    return '"' + "".join(f"\\{byte}" for byte in data) + '"'


def _photo():
    rng = random.Random(7)
    image = Image.new("RGB", (1280, 960))
    image.putdata([(rng.randrange(256), 120, 80) for _ in range(1280 * 960)])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


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
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "villages.authentication.PasswordBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        people.append(
            {
                "session": session.session_key,
                "csrf": get_random_string(32),
                "save": reverse(
                    "assessments:assessment_criterion", args=[assessment.pk, threshold.pk]
                ),
                "upload": reverse(
                    "assessments:evidence_upload", args=[assessment.pk, threshold.pk]
                ),
            }
        )
    return users, people


def _lua_table(people):
    rows = []
    for person in people:
        fields = ", ".join(f'{key} = "{value}"' for key, value in person.items())
        rows.append("{" + fields + "}")
    return "{" + ",\n".join(rows) + "}"


def _serve(media_root, log):
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
        "MEDIA_ROOT": str(media_root),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "pingan.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "120",
            "--backlog",
            "2048",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)
        except OSError:
            time.sleep(0.5)
            continue
        # Each worker loads its URLs and templates on its first requests, not under load.
        for _ in range(4 * WORKERS):
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=10)
        return server
    server.kill()
    raise RuntimeError("gunicorn did not start")


def _surge(people, photo, seconds, think, folder):
    script = Path(folder) / f"surge-{think[0]}.lua"
    script.write_text(
        SCRIPT
        % {
            "users": _lua_table(people),
            "photo": _lua_string(photo),
            "think_low": think[0],
            "think_high": think[1],
        },
        encoding="utf-8",
    )
    command = ["wrk", "-t2", f"-c{len(people)}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", str(script), f"http://127.0.0.1:{PORT}"]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    print(run.stdout, file=sys.stderr)
    return json.loads(run.stdout.split("RESULT ", 1)[1].splitlines()[0])


def section(*, users, seconds):
    title = "## 3. Load test: the deadline-day surge"
    if shutil.which("wrk") is None:
        return [title, "", "Not run: `wrk` is not installed (`apt-get install wrk`)."]
    accounts, people = secretaries(users)
    photo = _photo()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        log_path = Path(folder) / "gunicorn.log"
        log = log_path.open("w")
        server = _serve(Path(folder) / "media", log)
        try:
            for think in PACES:
                started = timezone.now()
                before = Evidence.objects.filter(uploaded_by__in=accounts).count()
                result = _surge(people, photo, seconds, think, folder)
                saved = Answer.objects.filter(
                    updated_by__in=accounts, updated_at__gte=started
                ).count()
                uploaded = Evidence.objects.filter(uploaded_by__in=accounts).count() - before
                rows.append((think, result, saved, uploaded))
        finally:
            server.terminate()
            server.wait(timeout=60)
            log.close()
            server_errors = log_path.read_text().count("Traceback")
    lines = [
        title,
        "",
        f"{len(people)} secretaries, each on its own connection and session, for {seconds} s at",
        "each pace: four in five requests save the camera count of the current assessment, one",
        f"in five uploads a {len(photo) / 1024:.0f} KB 1280×960 JPEG (type check by content,",
        "thumbnail, storage); each secretary pauses between requests as the pace says. gunicorn",
        f"with {WORKERS} sync workers and PostgreSQL on the same machine as wrk.",
        "",
        "| pause between requests | offered | requests | served per second | errors | p50 | p95 "
        "| p99 | max | secretaries whose answer was saved | photos stored |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for think, result, saved, uploaded in rows:
        errors = sum(result[key] for key in ("connect", "read", "write", "status", "timeout"))
        offered = len(people) / (sum(think) / 2 / 1000)
        lines.append(
            f"| {think[0] / 1000:.0f}–{think[1] / 1000:.0f} s | ~{offered:.0f}/s "
            f"| {result['requests']:,} | {result['requests'] / result['seconds']:.1f} "
            f"| {errors} | {result['p50']:.0f} ms | {result['p95']:.0f} ms "
            f"| {result['p99']:.0f} ms | {result['max']:.0f} ms | {saved} | {uploaded} |"
        )
    lines += [
        "",
        "Errors count refused connections, socket errors, timeouts (30 s) and answers with a",
        f"4xx or 5xx status; the server logged {server_errors} tracebacks. Saved answers and",
        "stored photos are counted in the database after each run.",
    ]
    return lines
