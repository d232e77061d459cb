"""Reading the spreadsheets offices upload: refuse what is not a plain .xlsx table.

openpyxl parses the XML through defusedxml when it is installed (it is a dependency of
the project), so a hostile workbook cannot expand entities.
"""

import io
import os
import time
import uuid
import zipfile
from pathlib import Path

import tablib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from pingan.errors import InvalidInput

MAX_ROWS = 100_000
# A text beginning with one of these is read by spreadsheet programs as a formula, or becomes
# one when the cell is edited (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SheetRefused(InvalidInput):
    """An upload refused as a whole or row by row; `problems` lists every message."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("；".join(self.problems[:20]))


def read_table(upload, headers, head_only=False):
    """The first sheet as a tablib.Dataset with exactly `headers`, or SheetRefused.

    Rows entirely empty are skipped; each kept row remembers its Excel row number in
    `dataset.row_numbers`. With head_only, only the file and its header row are checked.
    """
    if upload is None or upload.size == 0:
        raise SheetRefused(["文件为空，请上传填写好的 .xlsx 表格。"])
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        raise SheetRefused(
            [f"文件超过 {limit // (1024 * 1024)} MB，请删去无关的工作表或分批导入。"]
        )
    upload.seek(0)
    try:
        workbook = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SheetRefused(
            ["文件不是有效的 Excel 工作簿(.xlsx)，请在 Excel 或 WPS 中“另存为”.xlsx 后再上传。"]
        ) from None
    sheet = workbook.worksheets[0]
    # The sheet's own dimension says how many rows it holds, before any is read.
    if (sheet.max_row or 0) > MAX_ROWS + 1:
        workbook.close()
        raise SheetRefused([f"表格超过 {MAX_ROWS} 行，请分批导入。"])
    rows = sheet.iter_rows()
    header_cells = next(rows, None)
    found = [
        str(cell.value).strip() if cell.value is not None else "" for cell in header_cells or []
    ]
    while found and not found[-1]:
        found.pop()
    if found != list(headers):
        missing = [name for name in headers if name not in found]
        extra = [name for name in found if name and name not in headers]
        detail = []
        if missing:
            detail.append("缺少“" + "”“".join(missing) + "”列")
        if extra:
            detail.append("多出“" + "”“".join(extra) + "”列")
        if not detail:
            detail.append("列的顺序与模板不同")
        raise SheetRefused(
            ["第1行(表头)不正确：" + "，".join(detail) + "。请下载模板，按模板的表头填写。"]
        )
    if head_only:
        workbook.close()
        return None
    dataset = tablib.Dataset(headers=list(headers))
    dataset.row_numbers = []
    problems = []
    for row_number, cells in enumerate(rows, start=2):
        values = []
        for column, cell in enumerate(cells[: len(headers)], start=1):
            value = cell.value
            if getattr(cell, "data_type", None) == "f" or (
                isinstance(value, str) and value.lstrip(" ").startswith("=")
            ):
                problems.append(
                    f"第{row_number}行“{headers[column - 1]}”列({get_column_letter(column)}"
                    f"{row_number})是公式或以“=”开头，请改为直接填写数值或文字。"
                )
            values.append(value.strip() if isinstance(value, str) else value)
        values += [None] * (len(headers) - len(values))
        if all(value in (None, "") for value in values):
            continue
        if len(dataset) >= MAX_ROWS:
            raise SheetRefused([f"表格超过 {MAX_ROWS} 行，请分批导入。"])
        dataset.append(values)
        dataset.row_numbers.append(row_number)
    workbook.close()
    if problems:
        raise SheetRefused(problems)
    if not len(dataset):
        raise SheetRefused(["表格只有表头，没有数据行。"])
    return dataset


def append_row(sheet, values):
    """Append `values` as they are: a text that would read as a formula stays text. Every
    workbook the portal writes goes through here."""
    sheet.append([_as_written(sheet, value) for value in values])


def _as_written(sheet, value):
    # Marked on its own cell before it joins the sheet: finding the row again afterwards
    # (`sheet.max_row`) walks every cell written so far, which made a long export quadratic.
    if not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        return value
    cell = Cell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def write_table(title, headers, rows):
    """An .xlsx with a bold header row and the given rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, row)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, 2 * len(header) + 4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_row_count(upload):
    """The data rows a sheet says it holds, from its dimension, before any row is read."""
    upload.seek(0)
    try:
        workbook = load_workbook(io.BytesIO(upload.read()), read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return 0
    try:
        return max((workbook.worksheets[0].max_row or 1) - 1, 0)
    finally:
        workbook.close()


# Uploads waiting for their confirmation are kept privately (mode 0600, outside the served
# media) and swept after an hour when abandoned.
ABANDONED_AFTER = 3600


def _staged_path(token):
    return Path(settings.MEDIA_ROOT) / "imports" / f"{token}.xlsx"


def stage_file(upload):
    """Keep an upload until it is confirmed; the token names it."""
    token = uuid.uuid4().hex
    path = _staged_path(token)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    cutoff = time.time() - ABANDONED_AFTER
    for old in path.parent.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    upload.seek(0)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as staged:
        staged.write(upload.read())
    return token


def staged_file(token, name):
    """The kept upload, or None when it was swept, discarded or never kept."""
    if not token or not str(token).isalnum():
        return None
    path = _staged_path(token)
    if not path.exists():
        return None
    return SimpleUploadedFile(name, path.read_bytes())


def discard_staged(token):
    if token and str(token).isalnum():
        _staged_path(token).unlink(missing_ok=True)


class StagedUploads:
    """A previewed upload of this session, replaced by the next preview and removed when
    confirmed."""

    def __init__(self, request, key):
        self.request = request
        self.key = f"staged_upload:{key}"

    def keep(self, upload):
        discard_staged((self.request.session.get(self.key) or {}).get("token"))
        token = stage_file(upload)
        self.request.session[self.key] = {"token": token, "name": upload.name}
        return token

    def take(self, token):
        """The kept upload for this token, or None when it expired or was forged."""
        staged = self.request.session.get(self.key) or {}
        if not token or staged.get("token") != token:
            return None
        return staged_file(token, staged["name"])

    def discard(self, token):
        discard_staged(token)
        self.request.session.pop(self.key, None)
