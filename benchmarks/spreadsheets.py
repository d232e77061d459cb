"""Excel at province scale: import a register of villages, export a year's results."""

import io
import time

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import prepared
from assessments.models import Campaign
from villages.imports import HEADERS, import_villages
from villages.models import Membership, User, Village


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


def _seconds(call):
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def section(actors, size):
    province_user = actors.users[Membership.Role.PROVINCE_OFFICE]
    year = (
        Campaign.objects.filter(status=Campaign.Status.CLOSED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    export_seconds, workbook = _seconds(
        lambda: prepared.region_results(
            province_user, actors.province, year, lambda done, total: None
        )
    )
    rows = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True).active.max_row - 1

    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    Membership.objects.get_or_create(user=admin, role=Membership.Role.ADMINISTRATOR)
    before = Village.objects.count()
    content = province_sheet(size)
    upload = SimpleUploadedFile("province.xlsx", content)
    preview_seconds, _ = _seconds(lambda: import_villages(actor=admin, upload=upload, dry_run=True))
    import_seconds, _ = _seconds(lambda: import_villages(actor=admin, upload=upload, dry_run=False))
    imported = Village.objects.count() - before
    return [
        "## 5. Excel",
        "",
        "| work | rows | file | time |",
        "|---|---|---|---|",
        f"| export {year}年度 results of the whole province (the background job's builder) "
        f"| {rows:,} | {len(workbook) / 1e6:.1f} MB | {export_seconds:.1f} s |",
        f"| import a register of {imported:,} villages: preview (rolled back) "
        f"| {imported:,} | {len(content) / 1e6:.1f} MB | {preview_seconds:.1f} s |",
        f"| import the same register for real (regions, villages, a change record each) "
        f"| {imported:,} | {len(content) / 1e6:.1f} MB | {import_seconds:.1f} s |",
        "",
        "The import runs in the request that confirms it (its preview was already checked);",
        "the province export is a background job, so no request waits for it.",
    ]
