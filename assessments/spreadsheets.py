"""Lists given back as .xlsx, with Chinese headers."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from pingan.sheets import append_row


def pass_list_workbook(campaign, pass_list, entries):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "达标名单"
    append_row(sheet, [f"{campaign.year}年度{campaign.town.name}平安村(社区)达标名单"])
    append_row(sheet, [f"{pass_list.document_number}  {pass_list.title}"])
    append_row(sheet, ["序号", "村(社区)名称", "类型", "统计用区划代码"])
    for entry in entries:
        append_row(
            sheet, [entry.position, entry.village_name, entry.village_kind, entry.village.code]
        )
    _title_rows(sheet, "D", (8, 20, 10, 18))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def recommendation_workbook(recommendation_list, recommendations):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "示范村推荐名单"
    append_row(sheet, [f"{recommendation_list.year}年度平安湖北建设示范村(社区)推荐名单"])
    append_row(sheet, [f"{recommendation_list.document_number}  {recommendation_list.title}"])
    append_row(sheet, ["序号", "乡镇(街道)", "村(社区)名称", "统计用区划代码", "推荐理由"])
    for item in recommendations:
        village = item.assessment.village
        append_row(
            sheet,
            [item.position, village.town.name, village.name, village.code, item.justification],
        )
    _title_rows(sheet, "E", (8, 14, 16, 18, 60))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title_rows(sheet, last_column, widths):
    sheet.merge_cells(f"A1:{last_column}1")
    sheet.merge_cells(f"A2:{last_column}2")
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGH", widths, strict=False):
        sheet.column_dimensions[column].width = width
