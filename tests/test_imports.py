"""Spreadsheets in and out: the village register import, its refusals, exports."""

import io
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pingan.errors import NotPermitted
from pingan.sheets import SheetRefused
from villages.imports import EXAMPLE, HEADERS, import_villages
from villages.models import Region, Village, VillageEvent


def sheet(rows, headers=HEADERS, name="名录.xlsx", formula_at=None):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.append(list(headers))
    for row in rows:
        worksheet.append(list(row))
    if formula_at:
        worksheet[formula_at] = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def village_row(code, name, town="429006105", kind="村", cameras=5):
    return [code, name, kind, town, "李四", "13900000000", 4, cameras, 4, 1, 1, 1, 10]


NEW_TOWN = [
    "429006105",
    "多祥镇",
    "乡镇(街道)",
    "429006",
    "",
    "",
    None,
    None,
    None,
    None,
    None,
    None,
    None,
]


def snapshot():
    return (
        sorted(Region.objects.values_list("code", "name", "parent__code", "path")),
        sorted(Village.objects.values_list("code", "name", "town__code", "camera_count")),
        VillageEvent.objects.count(),
    )


def test_clean_sheet_previews_then_imports(people, wangchang):
    rows = [NEW_TOWN, village_row("429006105201", "多宝村"), village_row("429006105202", "彭湖村")]
    rows.append(village_row("429006104203", "新沟村", town="429006104", cameras=9))
    before = snapshot()
    preview = import_villages(actor=people["administrator"], upload=sheet(rows), dry_run=True)
    assert snapshot() == before
    assert preview.regions == {"新增": 1, "更新": 0, "无变化": 0}
    assert preview.villages == {"新增": 2, "更新": 1, "无变化": 0}

    import_villages(
        actor=people["administrator"], upload=sheet(rows), dry_run=False, source="名录.xlsx"
    )
    town = Region.objects.get(code="429006105")
    assert town.path == "42/429006/429006105/"
    assert town.villages.count() == 2
    assert Village.objects.get(code="429006104203").camera_count == 9
    created = VillageEvent.objects.filter(kind="created")
    assert created.count() == 2 and "名录.xlsx" in created.first().reason


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: sheet(
                [village_row("429006105201", "多宝村")], headers=[*HEADERS[:-1], "巡逻队"]
            ),
            "第1行(表头)不正确：缺少“治安巡逻队人数”列，多出“巡逻队”列",
        ),
        (
            lambda: sheet([village_row("429006105201", "多宝村")]),
            "第2行“上级区划代码”列的 429006105 既不在系统中",
        ),
        (
            lambda: sheet(
                [
                    village_row("429006104901", "甲村", "429006104"),
                    village_row("429006104901", "乙村", "429006104"),
                ]
            ),
            "第3行“统计用区划代码”列的 429006104901 与第2行重复",
        ),
        (
            lambda: sheet(
                [
                    [
                        *village_row("429006104901", "甲村", "429006104")[:7],
                        "五个",
                        *village_row("x", "y")[8:],
                    ]
                ]
            ),
            "第2行“高清探头数”列应为不小于 0 的整数，现为“五个”",
        ),
        (lambda: SimpleUploadedFile("空.xlsx", b""), "文件为空"),
        (
            lambda: SimpleUploadedFile("伪装.xlsx", b"MZ\x90\x00not a workbook"),
            "不是有效的 Excel 工作簿",
        ),
        (
            lambda: sheet([village_row("429006104901", "甲村", "429006104")], formula_at="H2"),
            "第2行“高清探头数”列(H2)是公式",
        ),
        (lambda: sheet([]), "没有数据行"),
        (
            lambda: sheet([village_row("4290061049", "短码村", "429006104")]),
            "村(社区)的“统计用区划代码”应为 12 位",
        ),
    ],
    ids=[
        "header",
        "parent",
        "duplicate",
        "number",
        "empty",
        "not-excel",
        "formula",
        "no-rows",
        "short-code",
    ],
)
def test_bad_sheets_are_refused_row_by_row_and_change_nothing(people, wangchang, upload, message):
    before = snapshot()
    with pytest.raises(SheetRefused) as refused:
        import_villages(actor=people["administrator"], upload=upload(), dry_run=False)
    assert any(message in problem for problem in refused.value.problems), refused.value.problems
    assert snapshot() == before


def test_only_administrators_import(people, wangchang):
    with pytest.raises(NotPermitted):
        import_villages(actor=people["city_office"], upload=sheet([EXAMPLE]), dry_run=True)


def test_import_through_the_pages(client, people, wangchang):
    client.force_login(people["administrator"])
    template = client.get(reverse("villages:import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    assert [cell.value for cell in workbook.active[1]] == HEADERS
    assert [cell.value for cell in workbook.active[2]] == EXAMPLE

    rows = [NEW_TOWN, village_row("429006105201", "多宝村")]
    preview = client.post(reverse("villages:import"), {"file": sheet(rows)})
    assert preview.status_code == 200
    assert "预览(尚未写入)" in preview.content.decode()
    assert not Village.objects.filter(code="429006105201").exists()
    response = client.post(
        reverse("villages:import"), {"confirm": "1", "token": preview.context["token"]}
    )
    assert response.status_code == 302
    assert Village.objects.filter(code="429006105201").exists()

    refused = client.post(reverse("villages:import"), {"file": sheet([village_row("1", "x", "9")])})
    assert refused.status_code == 400
    assert "未导入任何数据" in refused.content.decode()

    client.force_login(people["town_office"])
    assert client.get(reverse("villages:import")).status_code == 403


def test_export_is_scoped_and_re_imports_unchanged(client, people, wangchang, xingou):
    client.force_login(people["secretary"])
    own = openpyxl.load_workbook(io.BytesIO(client.get(reverse("villages:export")).content))
    assert [row[1] for row in own.active.iter_rows(min_row=2, values_only=True)] == ["新沟村"]

    client.force_login(people["town_office"])
    exported = client.get(reverse("villages:export")).content
    rows = list(openpyxl.load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 18
    summary = import_villages(
        actor=people["administrator"],
        upload=SimpleUploadedFile("导出.xlsx", exported),
        dry_run=True,
    )
    assert summary.villages == {"新增": 0, "更新": 0, "无变化": 17}


def test_export_opens_in_libreoffice_with_chinese_intact(client, people, wangchang, tmp_path):
    client.force_login(people["town_office"])
    path = tmp_path / "名录.xlsx"
    path.write_bytes(client.get(reverse("villages:export")).content)
    assert zipfile.is_zipfile(path)
    result = subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    csv = (tmp_path / "名录.csv").read_text(encoding="utf-8")
    assert "统计用区划代码" in csv and "新沟村" in csv and "汪场社区" in csv


def test_a_sheet_over_the_size_limit_is_refused_before_it_is_read(people, wangchang, settings):
    settings.IMPORT_MAX_BYTES = 1024
    large = sheet([village_row(f"4290061052{n:02d}", f"村{n}") for n in range(60)])
    assert large.size > 1024
    with pytest.raises(SheetRefused, match="文件超过 0 MB"):
        import_villages(actor=people["administrator"], upload=large, dry_run=True)


def test_a_sheet_that_declares_too_many_rows_is_refused_from_its_dimension(
    people, wangchang, monkeypatch
):
    monkeypatch.setattr("pingan.sheets.MAX_ROWS", 3)
    rows = [village_row(f"4290061052{n:02d}", f"村{n}") for n in range(5)]
    with pytest.raises(SheetRefused, match="表格超过 3 行"):
        import_villages(actor=people["administrator"], upload=sheet(rows), dry_run=True)


def test_a_preview_is_kept_privately_and_replaced_by_the_next(client, people, wangchang, settings):
    client.force_login(people["administrator"])
    first = client.post(reverse("villages:import"), {"file": sheet([NEW_TOWN])})
    folder = Path(settings.MEDIA_ROOT) / "imports"
    kept = folder / f"{first.context['token']}.xlsx"
    assert kept.exists() and kept.stat().st_mode & 0o777 == 0o600
    second = client.post(reverse("villages:import"), {"file": sheet([NEW_TOWN])})
    assert not kept.exists()
    assert [path.name for path in folder.iterdir()] == [f"{second.context['token']}.xlsx"]
    client.post(reverse("villages:import"), {"confirm": "1", "token": second.context["token"]})
    assert list(folder.iterdir()) == []
