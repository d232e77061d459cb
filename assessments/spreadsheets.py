"""Lists given back as .xlsx, with Chinese headers."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font


def pass_list_workbook(campaign, pass_list, entries):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "达标名单"
    sheet.append([f"{campaign.year}年度{campaign.town.name}平安村(社区)达标名单"])
    sheet.append([f"{pass_list.document_number}  {pass_list.title}"])
    sheet.append(["序号", "村(社区)名称", "类型", "统计用区划代码"])
    for entry in entries:
        sheet.append([entry.position, entry.village_name, entry.village_kind, entry.village.code])
    sheet.merge_cells("A1:D1")
    sheet.merge_cells("A2:D2")
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCD", (8, 20, 10, 18), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
