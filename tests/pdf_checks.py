"""What every printout must satisfy: embedded Chinese fonts and a glyph for every character."""

import subprocess

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
