"""What every printout must satisfy: embedded Chinese fonts and a glyph for every character."""

import re
import subprocess
from dataclasses import dataclass
from xml.etree import ElementTree

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from pingan.pdf import FONT_DIRECTORY

_COVERED = set()


def covered_codepoints():
    if not _COVERED:
        for name in ("NotoSerifSC-Regular.otf", "NotoSansSC-Regular.otf"):
            _COVERED.update(TTFont(FONT_DIRECTORY / name).getBestCmap())
    return _COVERED


def check_printout(path, tmp_path):
    """Assert the fonts are embedded, page one renders, and no character lacks a glyph;
    return the document's text with spaces and line breaks removed."""
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:]]
    assert rows, "the PDF uses no font"
    assert all(row[-5] == "yes" for row in rows), fonts.stdout
    assert all("Noto" in row[0] for row in rows), fonts.stdout
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    compact = text.replace(" ", "").replace("\n", "")
    missing = {ch for ch in compact if ord(ch) not in covered_codepoints()}
    assert not missing, f"characters without a glyph would print as boxes: {missing}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    assert (tmp_path / "page.png").stat().st_size > 2000
    return compact


MM = 72 / 25.4
# The type area of GB/T 9704-2012 on A4, in points from the top left of the page.
TYPE_AREA = (28 * MM, 37 * MM, (28 + 156) * MM, (37 + 225) * MM)


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def layout_lines(pdf_bytes, tmp_path):
    """Every line of text poppler lays out, page by page, with its box in points."""
    path = tmp_path / "layout.pdf"
    path.write_bytes(pdf_bytes)
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", html))
    lines = []
    namespace = {"x": "http://www.w3.org/1999/xhtml"}
    for number, page in enumerate(root.iterfind(".//x:page", namespace), start=1):
        for line in page.iterfind(".//x:line", namespace):
            words = "".join(word.text or "" for word in line.iterfind("x:word", namespace))
            box = [float(line.get(name)) for name in ("xMin", "yMin", "xMax", "yMax")]
            lines.append(Line(number, words, *box))
    return lines
