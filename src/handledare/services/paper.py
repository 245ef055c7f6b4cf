"""A4 papers in PDF: the certificate and the substitute's plan share their make-up.

fpdf2 is imported only here, when a paper is made, so that starting the app
never pays for it. The embedded DejaVu Sans covers Swedish and the other
Latin, Greek and Cyrillic letters that substitutes' names use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF  # only when a paper is made: starting never pays for fpdf2

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"


def new_paper(title: str, footer: Callable[[int], str]) -> FPDF:
    """An A4 document with the fonts, a footer made by `footer(page)`, and its first page.
    `{nb}` in the footer becomes the page count."""
    from fpdf import FPDF  # only when a paper is made: starting never pays for fpdf2

    class Paper(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(FONT, size=8)
            self.cell(0, 10, footer(self.page_no()), align="C")

    pdf = Paper(format="A4")
    pdf.set_title(title)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    return pdf


def write_line(pdf: FPDF, text: str, size: int = 10, bold: bool = False, gap: float = 0) -> None:
    """A paragraph across the page, wrapped, ragged right: justified text stretches the
    spaces of a short line."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    if gap:
        pdf.ln(gap)
