"""PDF: the case report typeset on A4 with reportlab (no browser, no network).

The layout follows the HTML report: a title band, the procurement facts, a summary with
the barrier score and its formula, one boxed section per finding, recommendations and
what was checked and found fair. Every page carries the case reference and "page n of N".

reportlab's Paragraph reads a small XML markup, so every piece of text is XML-escaped
before it goes in: a clause containing "<b>" or "<font>" is printed, not obeyed.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any, Optional, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..model import ScanReport
from .case import Case, CaseFinding, build_case
from .templates import PathLike, clean_text

INK = colors.HexColor("#0b0c0c")
MUTED = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")
PANEL = colors.HexColor("#f3f2f1")
OK = colors.HexColor("#00703c")
SEVERITY_COLOURS = {"high": colors.HexColor("#b3261e"), "medium": colors.HexColor("#b35900"),
                    "low": colors.HexColor("#505a5f")}
BAND_COLOURS = {"high": SEVERITY_COLOURS["high"], "moderate": SEVERITY_COLOURS["medium"],
                "low": INK, "none found": OK}
MARGIN = 16 * mm
LABEL_WIDTH = 28 * mm
FINDING_MIN_SPACE = 55 * mm

# DejaVu (Debian's fonts-dejavu-core) covers £, €, ₹, ×, ≥ and curly quotes; reportlab's
# own Vera is the fallback that is always there. Both are embedded, so the PDF looks the
# same on every reader.
FONT_CANDIDATES: tuple[tuple[str, dict[str, Path]], ...] = (
    ("DejaVu", {
        "regular": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        "bold": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
        "italic": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"),
        "bolditalic": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-BoldOblique.ttf"),
    }),
)


def _vera_fonts() -> dict[str, Path]:
    import reportlab
    base = Path(reportlab.__file__).parent / "fonts"
    return {"regular": base / "Vera.ttf", "bold": base / "VeraBd.ttf", "italic": base / "VeraIt.ttf",
            "bolditalic": base / "VeraBI.ttf"}


def register_fonts() -> str:
    """Register a Unicode TTF family once; returns its name."""
    for family, files in (*FONT_CANDIDATES, ("BSVera", _vera_fonts())):
        name = f"BS-{family}"
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if all(p.is_file() for p in files.values()):
            for style, path in files.items():
                pdfmetrics.registerFont(TTFont(f"{name}-{style}", str(path)))
            pdfmetrics.registerFontFamily(name, normal=f"{name}-regular", bold=f"{name}-bold",
                                          italic=f"{name}-italic", boldItalic=f"{name}-bolditalic")
            return name
    return "Helvetica"


def styles(font: str) -> dict[str, ParagraphStyle]:
    regular = f"{font}-regular" if font != "Helvetica" else font
    bold = f"{font}-bold" if font != "Helvetica" else "Helvetica-Bold"
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5, textColor=INK, alignment=TA_LEFT)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=MUTED),
        "label": ParagraphStyle("label", parent=base, fontName=bold, fontSize=9),
        "fact_label": ParagraphStyle("fact_label", parent=base, fontName=bold, fontSize=8.5, textColor=MUTED),
        "kicker": ParagraphStyle("kicker", parent=base, fontSize=7.5, leading=10, textColor=colors.HexColor("#dcdcdc")),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=17, leading=21, textColor=colors.white),
        "authority": ParagraphStyle("authority", parent=base, fontSize=11, leading=14, textColor=colors.white),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=13, leading=16, spaceBefore=10, spaceAfter=5),
        "h3": ParagraphStyle("h3", parent=base, fontName=bold, fontSize=11, leading=14),
        "quote": ParagraphStyle("quote", parent=base, fontSize=9.5, leading=12.5),
        "score": ParagraphStyle("score", parent=base, fontName=bold, fontSize=30, leading=32),
        "band": ParagraphStyle("band", parent=base, fontName=bold, fontSize=10, leading=13),
        "computed": ParagraphStyle("computed", parent=base, fontName=bold),
        "fairer": ParagraphStyle("fairer", parent=base, leftIndent=6, borderPadding=0),
        "why": ParagraphStyle("why", parent=base, fontSize=8.8, leading=11.5),
    }


def text(value: Any) -> str:
    """Untrusted text made safe for reportlab's Paragraph markup; line breaks kept."""
    return escape(clean_text(value)).replace("\n", "<br/>")


class HorizontalRule(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    def __init__(self, width: float, thickness: float = 1.5, colour: Any = INK) -> None:
        super().__init__()
        self.width, self.thickness, self.colour = width, thickness, colour

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.thickness + 2

    def draw(self) -> None:
        self.canv.setStrokeColor(self.colour)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, 1, self.width, 1)


def numbered_canvas(footer_left: str, font: str) -> type:
    """A canvas that knows the page count, for "page n of N" (drawn once all pages exist)."""
    footer_font = f"{font}-regular" if font != "Helvetica" else font

    class NumberedCanvas(rl_canvas.Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(footer_font, 7.5)
                self.setFillColor(MUTED)
                self.drawString(MARGIN, 9 * mm, footer_left)
                self.drawRightString(A4[0] - MARGIN, 9 * mm, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


class CaseStory:
    """Builds the flowables of one case."""

    def __init__(self, case: Case, st: dict[str, ParagraphStyle], width: float) -> None:
        self.case, self.st, self.width = case, st, width

    def p(self, markup: str, style: str = "base") -> Paragraph:
        return Paragraph(markup, self.st[style])

    def masthead(self) -> list[Flowable]:
        c = self.case
        heading = c.title if c.title != "not found" else c.file
        band = Table([[self.p(f"BARRIER SCAN · CASE FINDINGS · {text(c.reference)}", "kicker")],
                      [self.p(text(heading), "title")], [self.p(text(c.authority), "authority")]],
                     colWidths=[self.width])
        band.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), INK),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                                  ("TOPPADDING", (0, 0), (-1, 0), 10), ("BOTTOMPADDING", (0, -1), (-1, -1), 11)]))
        return [band, Spacer(1, 8)]

    def facts(self) -> list[Flowable]:
        c = self.case
        rows = [("Case reference", text(c.reference)), ("Date of this report", text(f"{c.date.day} {c.date:%B %Y}")),
                ("Contracting authority", text(c.authority)), ("Title", text(c.title))]
        if c.procurement_reference:
            rows.append(("Procurement reference", text(c.procurement_reference)))
        if c.published:
            rows.append(("Published", text(c.published)))
        rows += [("Estimated value", f"{text(c.value_text)} <font color='#505a5f' size='8'>({text(c.value_source)})</font>"),
                 ("Jurisdiction", text(c.jurisdiction)), ("Legal regime applied", text(c.regime)),
                 ("Document", f"{text(c.file)} · {c.result.pages} pages · {c.result.clauses} clauses read<br/>"
                              f"<font size='7' color='#505a5f'>sha256 {text(c.result.sha256)}</font>")]
        table = Table([[self.p(label, "fact_label"), self.p(value)] for label, value in rows],
                      colWidths=[40 * mm, self.width - 40 * mm])
        table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 3),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        return [table, Spacer(1, 10)]

    def summary(self) -> list[Flowable]:
        c = self.case
        band_colour = BAND_COLOURS.get(c.score.band, INK)
        score_cell = [self.p("Barrier score"), self.p(str(c.score.value), "score"),
                      self.p(f"<font color='{band_colour.hexval().replace('0x', '#')}'>{text(c.score.band.upper())}</font>", "band"),
                      Spacer(1, 3), self.p(text(c.score.formula), "small"), self.p("Bands: " + text(c.score.legend), "small")]
        counts = " &nbsp; ".join(
            f"<font color='{SEVERITY_COLOURS[s].hexval().replace('0x', '#')}'><b>{c.counts[s]} {s}</b></font>"
            for s in ("high", "medium", "low"))
        right: list[Flowable] = [self.p(counts, "band"), Spacer(1, 4)]
        if c.worst:
            right.append(self.p("<b>Most serious findings</b>"))
            for i, f in enumerate(c.worst, start=1):
                right.append(self.p(f"{i}. <b>{text(f.category_title)}</b> "
                                    f"({self.severity_tag(f.severity)}, finding {f.number}): {text(f.issue)}"))
        else:
            right.append(self.p(f"<b>No barriers were found</b> in the {len(c.fair)} categories checked; "
                                "see below for what was checked."))
        if c.needs_value_count:
            right.append(self.p(f"{c.needs_value_count} finding(s) could not be measured against the contract "
                                "value because none was found.", "small"))
        table = Table([[score_cell, right]], colWidths=[52 * mm, self.width - 52 * mm])
        table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, 0), PANEL), ("LINEBEFORE", (0, 0), (0, 0), 4, band_colour),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 8),
                                   ("LEFTPADDING", (1, 0), (1, 0), 12), ("TOPPADDING", (0, 0), (-1, -1), 6),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        return [table]

    @staticmethod
    def severity_tag(severity: str) -> str:
        colour = SEVERITY_COLOURS.get(severity, INK).hexval().replace("0x", "#")
        return f"<font color='{colour}'><b>{text(severity.upper())}</b></font>"

    def finding(self, f: CaseFinding) -> Flowable:
        """One boxed finding as a table of rows, so a long finding can continue on the next
        page instead of leaving half a page empty."""
        fd = f.finding
        inner = self.width - LABEL_WIDTH - 16
        quote = Table([[self.p(text(f.quote), "quote")]], colWidths=[inner])
        quote.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), PANEL), ("LINEBEFORE", (0, 0), (0, -1), 3, RULE),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 3),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        assessment: list[Flowable] = [self.p(text(f.assessment_sentence), "computed")]
        if f.why:
            assessment.append(self.p(text(f.why), "why"))
        basis = f"Basis: {text(f.basis_label)}"
        if fd.enforceable is True:
            basis += "; the rule cited is a legal requirement, not only guidance"
        elif fd.enforceable is False:
            basis += "; advisory: the rule cited is a duty to have regard, or guidance"
        assessment.append(self.p(basis + ".", "small"))
        rules: Any = ([self.p("• " + text(ref), "why") for ref in fd.legal] if fd.legal
                      else self.p("No specific provision; good practice for SME access.", "why"))
        head = [self.p(f"<font color='#505a5f'>{f.number}.</font> {text(f.category_title)} &nbsp; "
                       f"{self.severity_tag(f.severity)}", "h3"),
                self.p(f"{text(f.id)} · Subject: {text(f.subject)} · Sub issue: {text(f.sub_issue)} "
                       f"({text(fd.category)}) · rule {text(fd.rule)} · confidence {fd.confidence:.2f}", "small")]
        rows = [
            [head, ""],
            [self.p("Issue", "label"), self.p(text(f.issue))],
            [self.p("Evidence", "label"), [quote, Spacer(1, 2), self.p(text(f.location), "small")]],
            [self.p("Assessment", "label"), assessment],
            [self.p("Rules", "label"), rules],
            [self.p("Fairer wording", "label"), self.p(text(f.fairer_wording), "fairer")],
        ]
        table = Table(rows, colWidths=[LABEL_WIDTH, self.width - LABEL_WIDTH], splitByRow=1)
        table.setStyle(TableStyle([
            ("SPAN", (0, 0), (1, 0)), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOX", (0, 0), (-1, -1), 0.5, RULE),
            ("LINEBEFORE", (0, 0), (0, -1), 4, SEVERITY_COLOURS.get(f.severity, MUTED)),
            ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
            ("LINEBEFORE", (1, 5), (1, 5), 2.5, OK),
        ]))
        return table

    def heading(self, title: str) -> list[Flowable]:
        return [CondPageBreak(40 * mm), self.p(text(title), "h2"), HorizontalRule(self.width), Spacer(1, 6)]

    def story(self) -> list[Flowable]:
        c = self.case
        out = self.masthead() + self.facts()
        if c.unreadable:
            out += self.heading("The document could not be read")
            out += [self.p(f"<b>{text(e.kind)}</b>: {text(e.message)}") for e in c.errors]
            out.append(self.p("No requirement was checked, so this report says nothing about whether the tender is fair."))
            return out + self.method()
        out += self.summary()
        if c.findings:
            out += self.heading("Findings")
            for f in c.findings:
                # start a finding on a new page only when its heading and evidence would not fit
                out += [CondPageBreak(FINDING_MIN_SPACE), self.finding(f), Spacer(1, 7)]
        if c.recommendations:
            out += self.heading("Recommendations to the authority")
            for i, r in enumerate(c.recommendations, start=1):
                refs = ", ".join(str(int(fid.rsplit("-", 1)[1])) for fid in r.findings)
                label = "finding" if len(r.findings) == 1 else "findings"
                out.append(self.p(f"{i}. <b>{text(r.title)}.</b> The authority should, in this and future "
                                  f"procurements: {text(r.text[0].lower() + r.text[1:])} "
                                  f"<font color='#505a5f' size='8'>({label} {refs})</font>"))
                out.append(Spacer(1, 3))
        out += self.heading("Checked and found fair")
        fair: list[Flowable] = []
        if c.fair:
            for fc in c.fair:
                fair.append(self.p(f"<font color='#00703c'><b>{text(fc.title)}</b></font> — {text(fc.text)}"))
                for e in fc.evidence:
                    quote = e.text if len(e.text) <= 160 else e.text[:159] + "…"
                    where = f"page {e.page}" + (f", clause {e.clause}" if e.clause else "")
                    fair.append(self.p(f"&nbsp;&nbsp;&nbsp;Checked: “{text(quote)}” ({text(where)})"
                                       + (f": {text(e.summary)}" if e.summary else ""), "small"))
        else:
            fair = [self.p("Every category checked had at least one finding.")]
        fair += [self.p(f"Note: {text(e.file)}: {text(e.message)}", "small") for e in c.errors]
        # the closing note travels with the list, so it never sits alone on a last page
        out.append(KeepTogether(fair + self.method()))
        return out

    def method(self) -> list[Flowable]:
        c = self.case
        return [Spacer(1, 10), HorizontalRule(self.width, 0.5, RULE), Spacer(1, 3), self.p(
            f"Made by barrier-scan {text(c.tool_version)} from the text of the document. Each finding quotes the "
            "clause exactly as extracted, with its page and clause number, so it can be checked against the "
            f"source. The findings are an automated screen against {text(c.regime)} and the UK review service's "
            "published practice, not legal advice; a person should confirm each one before acting on it.", "small")]


def build_pdf(cases: Sequence[Case], tool_version: str = "") -> bytes:
    font = register_fonts()
    st = styles(font)
    buffer = io.BytesIO()
    title = (f"{cases[0].reference}: {cases[0].title}" if len(cases) == 1
             else f"Barrier scan case reports ({len(cases)})")
    footer = (f"{cases[0].reference} · {clean_text(cases[0].title)[:70]}" if len(cases) == 1
              else "barrier-scan case reports")
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=clean_text(title), author="barrier-scan",
                            subject="Case findings on barriers to small suppliers", creator=f"barrier-scan {tool_version}",
                            invariant=1)
    story: list[Flowable] = []
    for i, case in enumerate(cases):
        if i:
            story.append(PageBreak())
        story += CaseStory(case, st, doc.width).story()
    if not story:
        story.append(Paragraph("No documents were scanned.", st["base"]))
    doc.build(story, canvasmaker=numbered_canvas(footer, font))
    return buffer.getvalue()


def render(report: ScanReport, *, template_dir: Optional[PathLike] = None,
           today: Optional[dt.date] = None) -> bytes:
    """template_dir is accepted for a uniform signature; the PDF layout is code, not a template."""
    cases = [build_case(r, today=today, tool_version=report.tool_version) for r in report.documents]
    return build_pdf(cases, report.tool_version)
