"""Figures of a village's profile that another part of the portal can vouch for.

The register keeps the counts the creation standard asks about (cameras, staff). When a count
was never entered, the latest figure a reviewer confirmed is the best there is; that figure
lives in the campaign, which may read villages but never the reverse, so the campaign
registers a source here when it loads (`register_source`) and the register asks all sources.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfirmedFigure:
    value: object
    year: int
    confirmed_by: str

    @property
    def source(self):
        return f"{self.year}年度镇级考核核定，{self.confirmed_by}"


_sources = []


def register_source(source):
    """`source(village_ids)` returns {(village id, profile field): ConfirmedFigure}."""
    if source not in _sources:
        _sources.append(source)


def confirmed_figures(village_ids):
    figures = {}
    for source in _sources:
        figures.update(source(village_ids))
    return figures
