"""Time the import of a province-sized village register (written to docs/benchmarks.md).

    DEBUG=1 .venv/bin/python benchmarks/village_import.py --villages 27057

Runs against a throwaway test database of the configured engine (set DATABASE_URL for
PostgreSQL); nothing is written to the portal's own database.
"""

import argparse
import datetime
import io
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingan.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from villages.imports import HEADERS, import_villages  # noqa: E402
from villages.models import Membership, User, Village  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks.md"
SECTION = "## Importing a province's village register"


def province_sheet(villages, towns_per_county=15, villages_per_town=18):
    """A synthetic province: cities, counties, towns and villages with 12-digit codes."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("村(社区)")
    sheet.append(HEADERS)
    sheet.append(["43", "测试省", "省", "", "", "", *[None] * 7])
    made = 0
    city = 0
    while made < villages:
        city += 1
        city_code = f"43{city:02d}00"
        sheet.append([city_code, f"第{city}市", "市", "43", "", "", *[None] * 7])
        for county in range(1, 11):
            county_code = f"43{city:02d}{county:02d}"
            sheet.append(
                [
                    county_code,
                    f"第{city}市第{county}县",
                    "县(市、区)",
                    city_code,
                    "",
                    "",
                    *[None] * 7,
                ]
            )
            for town in range(1, towns_per_county + 1):
                town_code = f"{county_code}{100 + town:03d}"
                sheet.append(
                    [
                        town_code,
                        f"{county_code}镇{town}",
                        "乡镇(街道)",
                        county_code,
                        "",
                        "",
                        *[None] * 7,
                    ]
                )
                for number in range(1, villages_per_town + 1):
                    if made >= villages:
                        break
                    code = f"{town_code}{200 + number:03d}"
                    sheet.append(
                        [
                            code,
                            f"{town}镇{number}村",
                            "村",
                            town_code,
                            "书记",
                            "",
                            5,
                            6,
                            5,
                            1,
                            1,
                            1,
                            10,
                        ]
                    )
                    made += 1
                if made >= villages:
                    break
            if made >= villages:
                break
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=27057)
    arguments = parser.parse_args()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        admin = User.objects.create(username="benchmark", is_superuser=True, is_staff=True)
        Membership.objects.create(user=admin, role=Membership.Role.ADMINISTRATOR)
        started = time.perf_counter()
        content = province_sheet(arguments.villages)
        built = time.perf_counter() - started
        upload = SimpleUploadedFile("province.xlsx", content)
        started = time.perf_counter()
        import_villages(actor=admin, upload=upload, dry_run=True)
        preview = time.perf_counter() - started
        started = time.perf_counter()
        import_villages(actor=admin, upload=upload, dry_run=False)
        real = time.perf_counter() - started
        count = Village.objects.count()
        engine = connection.vendor
    finally:
        teardown_databases(old_config, verbosity=0)
    line = (
        f"| {datetime.date.today().isoformat()} | {engine} | {count} | "
        f"{len(content) / 1e6:.1f} MB | {preview:.1f} s | {real:.1f} s | "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()} |"
    )
    print(f"sheet built in {built:.1f} s; {line}")
    record(line)


def record(line):
    REPORT.parent.mkdir(exist_ok=True)
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Benchmarks\n"
    if SECTION not in text:
        text += (
            f"\n{SECTION}\n\n"
            "`DEBUG=1 .venv/bin/python benchmarks/village_import.py --villages N` builds a\n"
            "synthetic province sheet (1 province, cities of 10 counties of 15 towns of 18\n"
            "villages) and imports it twice through the page's code path: a preview that rolls\n"
            "back, then the real import (regions, villages and one change record per village).\n\n"
            "| date | database | villages | sheet | preview | import | machine |\n"
            "|---|---|---|---|---|---|---|\n"
        )
    text = text.rstrip("\n") + "\n" + line + "\n"
    REPORT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    settings.DEBUG = False
    main()
