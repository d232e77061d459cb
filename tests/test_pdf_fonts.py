"""Printouts take their glyphs from the common-character cut of each font, and from the whole
font only for a rare character."""

import subprocess

import pytest
from fontTools.ttLib import TTFont

from pingan.pdf import (
    FONT_DIRECTORY,
    PortalFetcher,
    check_font_subsetter,
    common_font_path,
    html_to_pdf,
)
from tests.pdf_checks import check_printout

PAGE = (
    '<html><head><link rel="stylesheet" href="static:css/document.css"></head>'
    "<body><h1>{title}</h1><table class='list'><tr><th>序号</th><th>村(社区)</th></tr>"
    "<tr><td>1</td><td>{village}</td></tr></table></body></html>"
)


def embedded_fonts(path):
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in listing.stdout.splitlines()[2:]]


def test_the_common_cut_holds_the_common_characters_and_not_the_rare_ones():
    cut = TTFont(common_font_path("NotoSerifSC-Regular.otf")).getBestCmap()
    whole = TTFont(FONT_DIRECTORY / "NotoSerifSC-Regular.otf").getBestCmap()
    assert all(ord(ch) in cut for ch in "汪场镇新沟村艾垸村平安达标名单通报〔〕①—，。、")
    assert ord("塆") not in cut and ord("塆") in whole
    assert len(cut) < len(whole) / 3


def test_the_system_checks_find_harfbuzz_and_the_common_cuts():
    assert check_font_subsetter() == []


def test_a_common_name_embeds_only_the_common_cut(tmp_path):
    path = tmp_path / "common.pdf"
    path.write_bytes(html_to_pdf(PAGE.format(title="达标名单", village="新沟村")))
    names = [row[0] for row in embedded_fonts(path)]
    assert names and all("Common" in name for name in names), names
    assert "新沟村" in check_printout(path, tmp_path)


def test_a_rare_character_is_printed_from_the_whole_font(tmp_path):
    path = tmp_path / "rare.pdf"
    path.write_bytes(html_to_pdf(PAGE.format(title="达标名单", village="新塆村")))
    whole = [row[0] for row in embedded_fonts(path) if "Common" not in row[0]]
    assert len(whole) == 1 and whole[0].endswith("+Noto-Serif-SC"), whole
    assert "新塆村" in check_printout(path, tmp_path)


@pytest.mark.parametrize(
    "url",
    [
        "font:../../../etc/passwd",
        "font:NotoSerifSC-Bold.otf",
        "font:passwd.common.otf",
        "file:///etc/passwd",
    ],
)
def test_documents_reach_no_other_file(url):
    with pytest.raises(ValueError, match="只能引用平台自身"):
        PortalFetcher(fail_on_errors=True).fetch(url)
