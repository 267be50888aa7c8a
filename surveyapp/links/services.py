"""Links and QR codes: one link per form x unit, PNG/SVG codes, printable A4 pages."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno

from questionnaires import ROLE_LABELS

from ..models import Survey, Unit
from ..surveys.services import Link, survey_links


def find_link(survey: Survey, base_url: str, form_id: int, unit_code: str | None) -> Link | None:
    """The survey's link for a form and a unit code (None: the link without unit)."""
    for link in survey_links(survey, base_url):
        if link.form.id == form_id and (link.unit.code if link.unit else None) == unit_code:
            return link
    return None


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m")


def qr_bytes(url: str, kind: str) -> bytes:
    """The QR code of `url` as a PNG (large enough to print) or an SVG document."""
    if kind not in ("png", "svg"):
        raise ValueError(f"unknown image kind {kind!r}")
    out = io.BytesIO()
    qr_code(url).save(out, kind=kind, scale=10 if kind == "png" else 8, border=2)
    return out.getvalue()


def qr_svg_inline(url: str, scale: int = 4) -> str:
    """An <svg> element of the QR code, to place inside a page."""
    return qr_code(url).svg_inline(scale=scale, border=2, omitsize=True)


@dataclass(frozen=True)
class PrintCode:
    role: str
    role_label: str
    title: str
    url: str
    svg: str


@dataclass(frozen=True)
class PrintPage:
    unit: Unit | None
    codes: list[PrintCode]


def print_pages(survey: Survey, base_url: str, unit_code: str | None = None) -> list[PrintPage]:
    """One page per unit (or only `unit_code`'s) holding the QR code of every form, labelled by role."""
    pages: dict[str | None, PrintPage] = {}
    for link in survey_links(survey, base_url):
        code = link.unit.code if link.unit else None
        if unit_code is not None and code != unit_code:
            continue
        page = pages.setdefault(code, PrintPage(link.unit, []))
        page.codes.append(PrintCode(link.form.role, ROLE_LABELS.get(link.form.role, link.form.role),
                                    link.form.version.title, link.url, qr_svg_inline(link.url)))
    return list(pages.values())
