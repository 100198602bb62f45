"""Invoices as people read them: amounts from integer minor units in the reader's language, and one
template (`web/templates/invoice.html`) rendered as a page and as a PDF (ADR 20).

The PDF is made with xhtml2pdf (pure Python over ReportLab) from the very HTML the page shows,
so the two cannot disagree; DejaVu Sans is embedded when the machine has it, so that names in
any script print (ReportLab's own Helvetica covers Latin-1 only).
"""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_currency, get_currency_precision
from flask import render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from xhtml2pdf import pisa

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Open"), "paid": _l("Paid"), "void": _l("Void")}


def money(minor: int, currency: str) -> str:
    """An amount in minor units (cents) as the reader writes it: "$1,234.50", "1 234,50 $US"."""
    return format_currency(Decimal(minor).scaleb(-get_currency_precision(currency)), currency,
                           locale=str(get_locale() or "en"))


def embedded_font() -> Path | None:
    """A TrueType font covering most scripts, if the machine has one (Debian's fonts-dejavu-core)."""
    for folder in FONT_DIRS:
        if (folder / "DejaVuSans.ttf").is_file():
            return folder / "DejaVuSans.ttf"
    return None


def invoice_html(invoice: dict, provider: dict, for_pdf: bool = False) -> str:
    """The invoice document itself (no page around it), for the page and for the PDF."""
    font = embedded_font() if for_pdf else None
    return render_template("invoice.html", invoice=invoice, provider=provider, money=money, for_pdf=for_pdf,
                           status_labels=STATUS_LABELS, font_path=font.as_uri() if font else None)


class PdfFailed(RuntimeError):
    """xhtml2pdf could not lay the invoice out."""


def invoice_pdf(invoice: dict, provider: dict) -> bytes:
    """The invoice as a PDF document, from the same template as its page."""
    out = io.BytesIO()
    result = pisa.CreatePDF(invoice_html(invoice, provider, for_pdf=True), dest=out, encoding="utf-8")
    if result.err:
        raise PdfFailed(f"{result.err} layout errors")
    return out.getvalue()
