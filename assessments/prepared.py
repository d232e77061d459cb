"""The long documents made in the background: what goes in them, with progress as they grow.

Each builder takes the requesting user (the file holds only what that user may see) and a
`progress(done, total)` callback, and returns the file's bytes.
"""

from assessments.documents import assessment_reports
from assessments.models import Assessment
from assessments.selectors import visible_assessments
from pingan.pdf import render_pdf_in_parts
from pingan.sheets import write_table

RESULT_HEADERS = (
    "市",
    "县(市、区)",
    "乡镇(街道)",
    "村(社区)",
    "统计用区划代码",
    "考评状态",
    "镇级考核",
    "年度结果",
    "市级复核",
    "不达标原因",
)
CHUNK = 2000


def campaign_reports(user, campaign, progress):
    """Every village's 考评报告 of a campaign in one PDF, one village at a time."""
    assessments = list(
        visible_assessments(user)
        .filter(campaign=campaign, kind=Assessment.Kind.YEARLY)
        .order_by("village__code")
    )
    reports = assessment_reports(assessments)
    return render_pdf_in_parts(
        "documents/assessment_report.html",
        [{"reports": [report]} for report in reports],
        progress,
    )


def _verdict(value, yes, no):
    return "—" if value is None else (yes if value else no)


def region_results(user, region, year, progress):
    """One row per village of the region for the year's yearly assessments."""
    assessments = (
        visible_assessments(user)
        .filter(
            campaign__year=year,
            kind=Assessment.Kind.YEARLY,
            campaign__town__path__startswith=region.path,
        )
        .select_related("village__town__parent__parent")
        .order_by("village__code")
    )
    total = assessments.count()
    progress(0, total)

    def rows():
        for done, assessment in enumerate(assessments.iterator(chunk_size=CHUNK), start=1):
            town = assessment.village.town
            county = town.parent if town.parent and town.parent.level == "county" else None
            city = (county or town).parent
            yield (
                city.name if city else "",
                county.name if county else "",
                town.name,
                assessment.village.name,
                assessment.village.code,
                assessment.get_status_display(),
                _verdict(assessment.town_passed, "达标", "不达标"),
                _verdict(assessment.result_passed, "达标", "不达标"),
                _verdict(assessment.city_passed, "合格", "不合格"),
                "；".join(assessment.result_reasons or assessment.town_reasons),
            )
            if done % CHUNK == 0:
                progress(done, total)
        progress(total, total)

    return write_table(f"{year}年度考评结果", RESULT_HEADERS, rows())
