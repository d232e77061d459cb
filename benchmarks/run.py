"""Measure the portal at town and at province scale; write the figures to docs/benchmarks.md.

    make bench                          # all sections, 27,057 villages, 5 years
    make bench BENCH_ARGS="--villages 2000 --years 2 --skip-load"
    make bench BENCH_ARGS="--only-audit"  # section 6 alone, the rest of the report kept
    make bench BENCH_ARGS="--only-capacity"  # section 3 alone, on a smaller province
    make bench BENCH_ARGS="--only-pages"  # sections 1, 2 and the plans alone

Needs PostgreSQL (DATABASE_URL; default the local `pingan_bench`, of which a throwaway
`test_…` copy is made and dropped). The capacity section plays its own HTTP client.
Runs with DEBUG off, as in production.
"""

import argparse
import datetime
import io
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pingan_bench")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
# Plain HTTP on loopback: in a deployment the proxy in front terminates TLS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("AUDIT_KEY", "benchmark-only-audit-key")
os.environ.setdefault("AUDIT_SIGNING_KEY", "42" * 32)
# A cache of its own: the throwaway database's rows are never read from another's kept copy.
os.environ.setdefault("CACHE_URL", f"filecache://{tempfile.mkdtemp(prefix='pingan-bench-')}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.urls import reverse  # noqa: E402

from benchmarks import audit, capacity, documents, explain, spreadsheets  # noqa: E402
from villages.models import Membership, Region, User, Village  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks.md"
SAMPLES = 30


def machine():
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, {connection.vendor} {connection.pg_version // 10000}"
        if connection.vendor == "postgresql"
        else f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )


class Actors:
    """One account per role, at the demo town, city and province."""

    def __init__(self):
        self.town = Region.objects.get(code="429006104")
        self.city = Region.objects.get(code="429006")
        self.province = Region.objects.get(code="42")
        self.village = Village.objects.get(code="429006104001")
        self.users = {}
        for role, place in (
            (Membership.Role.TOWN_OFFICE, {"region": self.town}),
            (Membership.Role.CITY_OFFICE, {"region": self.city}),
            (Membership.Role.PROVINCE_OFFICE, {"region": self.province}),
            (Membership.Role.SECRETARY, {"village": self.village}),
        ):
            user, _ = User.objects.get_or_create(username=f"bench-{role}")
            Membership.objects.get_or_create(user=user, role=role, **place)
            self.users[role] = user

    def client(self, role):
        client = Client()
        client.force_login(self.users[role])
        return client


def pages(actors):
    """(role, page, url) for every dashboard and list page, at the demo places."""
    from assessments.models import Assessment, Campaign, Criterion

    current = Campaign.objects.filter(town=actors.town).order_by("-year").first()
    assessment = Assessment.objects.get(campaign=current, village=actors.village)
    threshold = Criterion.objects.get(standard=assessment.standard, kind=Criterion.Kind.THRESHOLD)
    town, city, province = (
        Membership.Role.TOWN_OFFICE,
        Membership.Role.CITY_OFFICE,
        Membership.Role.PROVINCE_OFFICE,
    )
    secretary = Membership.Role.SECRETARY
    return [
        (town, "镇平安办工作台", reverse("assessments:town_dashboard", args=[actors.town.pk])),
        (town, "创建活动列表", reverse("assessments:campaign_list")),
        (town, "本年度创建活动", reverse("assessments:campaign_detail", args=[current.pk])),
        (town, "村(社区)考评页", reverse("assessments:assessment_detail", args=[assessment.pk])),
        (town, "抽查检查", reverse("assessments:inspection_list")),
        (town, "限期整改", reverse("assessments:order_list")),
        (town, "村(社区)名录", reverse("villages:list")),
        (city, "市级排名", reverse("assessments:region_dashboard", args=[actors.city.pk])),
        (city, "市级抽查复核", reverse("assessments:city_overview")),
        (city, "称号", reverse("assessments:title_list")),
        (city, "案事件", reverse("assessments:incident_list")),
        (province, "省级排名", reverse("assessments:region_dashboard", args=[actors.province.pk])),
        (province, "创建活动列表(省)", reverse("assessments:campaign_list")),
        (province, "称号(省)", reverse("assessments:title_list")),
        (province, "案事件(省)", reverse("assessments:incident_list")),
        (province, "村(社区)名录(省)", reverse("villages:list")),
        (secretary, "书记首页", reverse("home")),
        (secretary, "自评页", reverse("assessments:assessment_detail", args=[assessment.pk])),
        (
            secretary,
            "逐项自评",
            reverse("assessments:assessment_criterion", args=[assessment.pk, threshold.pk]),
        ),
    ], reverse("assessments:assessment_criterion", args=[assessment.pk, threshold.pk])


def count_queries(actors):
    """Each page's queries once warm: the first fetch after a change may count the kept
    figures again (a fixed few queries more at any size, which the suite asserts)."""
    listed, _ = pages(actors)
    counts = {}
    for role, name, url in listed:
        client = actors.client(role)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        shapes = [re.sub(r"\d+", "N", q["sql"])[:150] for q in queries.captured_queries]
        counts[name] = (len(queries), len(response.content), shapes)
    return counts


def timed(call, samples=SAMPLES, before=None):
    """Median and p95 of `call()` in ms; `before()`, untimed, ahead of each one."""
    for _ in range(3):
        call()
    durations = []
    for _ in range(samples):
        if before is not None:
            before()
        started = time.perf_counter()
        call()
        durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    return statistics.median(durations), statistics.quantiles(durations, n=20)[18]


def latencies(actors):
    listed, save_url = pages(actors)
    by_name = {name: (role, url) for role, name, url in listed}
    secretary = actors.client(Membership.Role.SECRETARY)

    def get(role, url):
        client = actors.client(role)

        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    def save():
        response = secretary.post(save_url, {"value": "7", "narrative": "新增 2 个高清探头"})
        assert response.status_code == 302, response.status_code

    measured = {"底线(空视图)": timed(get(Membership.Role.SECRETARY, "/_floor/"))}
    for name in ("镇平安办工作台", "市级排名", "省级排名", "村(社区)考评页"):
        measured[name] = timed(get(*by_name[name]))
    # The workbench and the rankings are kept between changes: read again after a save in
    # the demo town, they are made afresh.
    for name in ("镇平安办工作台", "省级排名"):
        measured[f"{name}(保存后首读)"] = timed(get(*by_name[name]), before=save)
    measured["自评保存(POST)"] = timed(save)
    return measured


def quietly(*args, **options):
    call_command(*args, verbosity=0, stdout=io.StringIO(), **options)


def generate(villages, years):
    started = time.perf_counter()
    quietly("generate_scale", villages=villages, years=years)
    return time.perf_counter() - started


def section_queries(small, large, size):
    lines = [
        f"## 1. Queries per page at 17 and at {size:,} villages",
        "",
        "Each page fetched once by the role that uses it (the demo town 汪场镇, city 天门市,",
        "province 湖北省); the same URLs in both databases. Lists that could grow with the",
        "province are paginated, so the page size stays bounded too.",
        "",
        f"| page | queries at 17 | queries at {size:,} | KB at 17 | KB at {size:,} | |",
        "|---|---|---|---|---|---|",
    ]
    differing = []
    for name, (count, length, shapes) in small.items():
        big_count, big_length, big_shapes = large[name]
        verdict = "equal" if count == big_count else "**differs: defect**"
        lines.append(
            f"| {name} | {count} | {big_count} | {length / 1024:.0f} | "
            f"{big_length / 1024:.0f} | {verdict} |"
        )
        if count != big_count:
            extra = sorted(set(big_shapes) ^ set(shapes))
            differing.append(f"- {name}: " + "; ".join(f"`{shape}`" for shape in extra))
    return lines + (["", *differing] if differing else [])


def section_latency(small, large, size):
    floor_small, floor_large = small["底线(空视图)"][0], large["底线(空视图)"][0]
    lines = [
        f"## 2. Latency at 17 and at {size:,} villages",
        "",
        "In-process through the whole middleware stack (Django's test client, DEBUG off,",
        f"{SAMPLES} requests after 3 warm-ups), median and p95 in ms. The floor is a view that",
        "renders one line through the same middleware and context processors, as the same",
        "logged-in user, in the same run. Goals: within 3× of the floor, within 2× of the",
        "page's own 17-village figure. The workbench and the rankings are kept between",
        "changes; (保存后首读) is the first read after a secretary's save in the demo town.",
        "",
        f"| page | median 17 | p95 17 | median {size:,} | p95 {size:,} | × floor | × 17 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in small:
        median_small, p95_small = small[name]
        median_large, p95_large = large[name]
        over_floor = median_large / floor_large
        over_small = median_large / median_small
        marks = []
        if name != "底线(空视图)" and over_floor > 3:
            marks.append("over 3× floor")
        if over_small > 2:
            marks.append("over 2× own")
        lines.append(
            f"| {name} | {median_small:.1f} | {p95_small:.1f} | {median_large:.1f} | "
            f"{p95_large:.1f} | {over_floor:.1f} | {over_small:.2f} |"
            + (f" **{', '.join(marks)}**" if marks else "")
        )
    lines.append("")
    lines.append(f"Floor: {floor_small:.1f} ms at 17 villages, {floor_large:.1f} ms at {size:,}.")
    return lines


READING = "## Reading the figures"


def kept_reading():
    """The hand-written reading of the figures survives a new run, to be checked against it."""
    if not REPORT.exists():
        return f"{READING}\n\n(to be written)\n"
    text = REPORT.read_text(encoding="utf-8")
    return text[text.index(READING) :] if READING in text else f"{READING}\n\n(to be written)\n"


def measured_alone(flag, heading, next_heading, measure):
    """Run `measure()` (its lines) on a throwaway database and put them in the kept report in
    place of the section's earlier figures, the rest of the report as it was."""
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        measured = "\n".join(
            [
                *measure(),
                "",
                f"(Measured on {datetime.date.today().isoformat()}: {machine()}, with `{flag}`.)",
            ]
        )
    finally:
        teardown_databases(old_config, verbosity=0)
    text = REPORT.read_text(encoding="utf-8")
    end = text.index(next_heading)
    start = text.index(heading) if heading in text[:end] else end
    REPORT.write_text(text[:start] + measured + "\n\n" + text[end:], encoding="utf-8")
    print(f"written {REPORT.relative_to(ROOT)}")


def audit_alone():
    with override_settings(DEBUG=True):
        quietly("seed_demo")
    return audit.section()


def capacity_alone(villages, users):
    """Section 3 on the demo town, with `villages` generated ones for the surge."""
    quietly("collectstatic", interactive=False)
    with override_settings(DEBUG=True):
        quietly("seed_demo")
        quietly("seed_demo_campaign")
    generate(villages, 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _accounts, people = capacity.secretaries(users) if users else ([], [])
    return capacity.section(Region.objects.get(code="429006104"), people)


def measure_pages(villages, years):
    """The report's head and sections 1, 2 and the query plans: the demo town measured, then a
    province of `villages` generated and measured again."""
    quietly("collectstatic", interactive=False)
    with override_settings(DEBUG=True):
        quietly("seed_demo")
        quietly("seed_demo_campaign")
    generate(17, years)
    actors = Actors()
    with override_settings(ROOT_URLCONF="benchmarks.urls"):
        # Latency first: its saves give the assessment a history, which the pages then
        # show at both sizes alike.
        small_latency = latencies(actors)
        small_queries = count_queries(actors)
        print("17 villages measured", flush=True)
        seconds = generate(villages, years)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        size = Village.objects.count()
        print(f"{size} villages generated in {seconds:.0f} s", flush=True)
        large_latency = latencies(actors)
        large_queries = count_queries(actors)
        listed, _ = pages(actors)
        plans = explain.section(actors, listed)
    print("pages measured", flush=True)
    return (
        actors,
        size,
        [
            "# Benchmarks",
            "",
            f"Run on {datetime.date.today().isoformat()}: {machine()}.",
            "`make bench` regenerates this file; the figures",
            "come from one run over a throwaway PostgreSQL database holding the demo town",
            f"(17 villages) and then a synthetic province of {size:,} villages with",
            f"{years} years of campaigns (`manage.py generate_scale`, here in",
            f"{seconds / 60:.1f} min).",
            "",
            *section_queries(small_queries, large_queries, size),
            "",
            *section_latency(small_latency, large_latency, size),
            "",
            *plans,
            "",
        ],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=27057)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument(
        "--skip-load", action="store_true", help="leave out the capacity table and the surge"
    )
    parser.add_argument("--load-users", type=int, default=500)
    parser.add_argument(
        "--only-audit", action="store_true", help="measure section 6 alone, keep the rest"
    )
    parser.add_argument(
        "--only-capacity",
        action="store_true",
        help="measure section 3 alone (the demo town and --capacity-villages), keep the rest",
    )
    parser.add_argument("--capacity-villages", type=int, default=700)
    parser.add_argument(
        "--only-pages",
        action="store_true",
        help="measure sections 1 and 2 and the query plans alone, keep the rest",
    )
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    if arguments.only_capacity:
        measured_alone(
            "--only-capacity",
            capacity.HEADING,
            "## 4. ",
            lambda: capacity_alone(arguments.capacity_villages, arguments.load_users),
        )
        return
    if arguments.only_audit:
        measured_alone("--only-audit", "## 6. Audit trail", READING, audit_alone)
        return
    if arguments.only_pages:
        measured_alone(
            "--only-pages",
            "# Benchmarks",
            capacity.HEADING,
            lambda: measure_pages(arguments.villages, arguments.years)[2],
        )
        return
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        actors, size, sections = measure_pages(arguments.villages, arguments.years)
        if arguments.skip_load:
            sections += [capacity.HEADING, "", "Left out in this run (`--skip-load`).", ""]
        else:
            _accounts, people = capacity.secretaries(arguments.load_users)
            sections += [*capacity.section(actors.town, people), ""]
            print("capacity and surge measured", flush=True)
        sections += [*documents.section(actors), ""]
        print("documents measured", flush=True)
        sections += [*spreadsheets.section(actors, size), ""]
        sections += [*audit.section(), ""]
        print("audit appends measured", flush=True)
    finally:
        teardown_databases(old_config, verbosity=0)
    REPORT.write_text("\n".join(sections).rstrip() + "\n\n" + kept_reading(), encoding="utf-8")
    print(f"written {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
