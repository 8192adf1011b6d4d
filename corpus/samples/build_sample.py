"""Build the bundled sample tender: riverside-itt.pdf and riverside-itt.docx.

The Invitation to Tender below is fictional and written for barrier-scan's demo and tests:
a draft by "Riverside Borough Council" for a community wellbeing and day-opportunities
service, with a deliberate mix of clauses that shut small bidders out and clauses that are
fair (or look like barriers but are not). Both files carry the same content; the build is
deterministic, so re-running it gives byte-identical files.

    python corpus/samples/build_sample.py            # writes beside this script
    python corpus/samples/build_sample.py OUT_DIR --copies 3   # a ~30-page tender for timing
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import zipfile
from pathlib import Path
from typing import Iterator, Sequence, Union

HERE = Path(__file__).resolve().parent
RUNNING_HEADER = "Riverside Borough Council \u2013 ITT RBC/2025/044"
TITLE = "Invitation to Tender: Community Wellbeing and Day Opportunities Service"
AUTHOR = "Riverside Borough Council, Procurement Services"
# Fixed so that the files do not change from one build to the next.
BUILD_DATE = dt.datetime(2025, 11, 3, 9, 0, 0)
ZIP_DATE = (2025, 11, 3, 9, 0, 0)

Item = tuple
"""("title", text) | ("subtitle", text) | ("h1", text) | ("h2", text) | ("p", text)
| ("item", text) | ("table", rows, col_widths_mm) | ("pagebreak",)"""

CONTENT: list[Item] = [
    ("title", "Riverside Borough Council"),
    ("subtitle", TITLE),
    ("p", "Reference: RBC/2025/044"),
    ("p", "Publication date: 3 November 2025"),
    ("p", "Tender deadline: 12:00 noon on Monday 8 December 2025"),
    ("p", "Procedure: open procedure, below the threshold for public services contracts"),
    ("p", "Issued by: Procurement Services, Riverside Borough Council, Town Hall, Market "
          "Square, Riverside RV1 1AA"),
    ("p", "This document is a draft for internal review by the Adult Social Care commissioning "
          "team and must be approved by the Head of Procurement before publication."),
    ("pagebreak",),

    ("h1", "Section 1 \u2013 Introduction and Background"),
    ("h2", "1.1 Purpose of this Invitation"),
    ("p", "1.1.1 Riverside Borough Council (the \u201cCouncil\u201d) invites tenders for the "
          "delivery of a Community Wellbeing and Day Opportunities Service for adults living in "
          "the borough. The service will support people who are isolated, living with long-term "
          "conditions or recovering from a period of poor mental health to take part in "
          "activities, build friendships and stay independent for longer."),
    ("p", "1.1.2 This Invitation to Tender (\u201cITT\u201d) explains how to take part in the "
          "procurement, what the Council expects the service to achieve, how bids will be "
          "assessed and the main terms of the contract that will be awarded."),
    ("h2", "1.2 Background"),
    ("p", "1.2.1 The borough has a population of around 128,000 people, of whom roughly one "
          "in five is aged 65 or over. The Council\u2019s Joint Strategic Needs Assessment "
          "shows rising levels of loneliness, particularly among older residents living alone "
          "in the northern wards and among carers of working age."),
    ("p", "1.2.2 Day opportunities in the borough are currently provided through three "
          "building-based centres and a small number of grant-funded community groups. "
          "Attendance at the centres has fallen since 2020, while demand for flexible, "
          "outreach-based support has grown. The new service is intended to shift provision "
          "towards activities that take place in ordinary community venues close to where "
          "people live."),
    ("p", "1.2.3 The Council has engaged with residents, carers and local providers during "
          "the summer of 2025. The feedback from those sessions has shaped the specification "
          "summarised in Section 3."),
    ("h2", "1.3 Contract Value and Term"),
    ("p", "1.3.1 The estimated total contract value is \u00a3400,000 over the initial "
          "three-year term, which is approximately \u00a3133,000 per annum. The budget is fixed "
          "and bids above it will not be considered."),
    ("p", "1.3.2 The contract will start on 1 April 2026 and run for an initial term of three "
          "years. The Council may extend it by up to two further periods of twelve months each, "
          "subject to satisfactory performance and available funding."),
    ("h2", "1.4 Small Organisations and the Voluntary Sector"),
    ("p", "1.4.1 The Council welcomes bids from small and medium-sized enterprises (SMEs) and "
          "from voluntary, community and social enterprise (VCSE) organisations. Local "
          "organisations with strong links to the communities they serve are encouraged to "
          "respond."),
    ("p", "1.4.2 The Council publishes its contracts register and forward plan on its website "
          "so that smaller organisations can prepare for future opportunities."),

    ("h1", "Section 2 \u2013 Instructions to Bidders"),
    ("h2", "2.1 Procurement Timetable"),
    ("p", "2.1.1 The Council intends to follow the timetable below. The Council may change "
          "these dates and will tell all bidders if it does so."),
    ("table", [
        ["Stage", "Date"],
        ["Publication of the ITT", "3 November 2025"],
        ["Deadline for clarification questions", "24 November 2025"],
        ["Council response to clarification questions", "28 November 2025"],
        ["Tender deadline", "12:00 noon, 8 December 2025"],
        ["Evaluation and moderation", "9 December 2025 to 16 January 2026"],
        ["Notification of intended award", "23 January 2026"],
        ["Standstill period ends", "3 February 2026"],
        ["Contract start", "1 April 2026"],
    ], [95, 65]),
    ("h2", "2.2 Obtaining the Tender Documents"),
    ("p", "2.2.1 The full tender pack, including the detailed specification, the pricing "
          "schedule and the draft contract, is available from Procurement Services. A "
          "non-refundable fee of \u00a3150 is payable for the tender documents and must be "
          "received before the pack is released."),
    ("p", "2.2.2 Bidders must register on the Council\u2019s e-tendering portal to receive "
          "clarification responses and any changes to this ITT."),
    ("h2", "2.3 Clarification Questions"),
    ("p", "2.3.1 Questions about this ITT must be sent through the messaging area of the "
          "e-tendering portal by the deadline in the timetable. The Council will publish each "
          "question and its answer to all bidders without naming the organisation that asked "
          "it."),
    ("h2", "2.4 Consortia and Subcontracting"),
    ("p", "2.4.1 Consortium bids will not be accepted. Each tender must be submitted by a "
          "single legal entity that will hold the contract and deliver the service in full."),
    ("p", "2.4.2 Where a bidder proposes to use subcontractors, it must name them in its "
          "response and describe the part of the service each will deliver. The Council will "
          "not accept a change of subcontractor after award without its written consent."),
    ("h2", "2.5 Bid Security"),
    ("p", "2.5.1 There is no requirement for bidders to provide a bid bond or tender deposit "
          "with their tender."),
    ("h2", "2.6 Submission of Tenders"),
    ("p", "2.6.1 Tenders must be submitted electronically through the e-tendering portal "
          "before the tender deadline. Late tenders will not be opened."),
    ("p", "2.6.2 Each tender must include:"),
    ("item", "(a) the completed selection questionnaire;"),
    ("item", "(b) responses to the quality questions, each within the word limit stated;"),
    ("item", "(c) the completed pricing schedule; and"),
    ("item", "(d) the signed form of tender and declarations."),
    ("p", "2.6.3 Tenders must remain valid for 120 days from the tender deadline."),
    ("h2", "2.7 Conflicts of Interest and Canvassing"),
    ("p", "2.7.1 Bidders must tell the Council about any actual or potential conflict of "
          "interest, including any relationship with a Council officer or elected member "
          "involved in this procurement. The Council will decide what steps are needed to "
          "make sure the competition remains fair."),
    ("p", "2.7.2 Any attempt to influence the outcome of the procurement by offering an "
          "inducement to, or lobbying, a Council officer or member will lead to the bidder "
          "being disqualified."),
    ("h2", "2.8 Transfer of Staff"),
    ("p", "2.8.1 The Transfer of Undertakings (Protection of Employment) Regulations 2006 may "
          "apply to staff who currently deliver day opportunities on the Council\u2019s behalf. "
          "Anonymised staffing information supplied by the current providers is included in "
          "the tender pack. Bidders should take their own advice on how the regulations may "
          "affect them."),
    ("h2", "2.9 Confidentiality and Freedom of Information"),
    ("p", "2.9.1 The Council is subject to the Freedom of Information Act 2000. Bidders should "
          "identify any information in their tender that they consider to be commercially "
          "sensitive and explain why, although the Council will make the final decision on "
          "whether it must be disclosed."),
    ("h2", "2.10 Costs of Bidding"),
    ("p", "2.10.1 Bidders take part in this procurement at their own cost. The Council will "
          "not reimburse any expense incurred in preparing a tender, whether or not the "
          "tender is successful, and it may abandon the procurement at any time."),

    ("h1", "Section 3 \u2013 Specification Summary"),
    ("h2", "3.1 Aims of the Service"),
    ("p", "3.1.1 The service will help adults in the borough to stay connected with their "
          "communities, to look after their physical and mental wellbeing and to reduce or "
          "delay their need for formal care. It is expected to support at least 350 people "
          "each year."),
    ("h2", "3.2 What the Provider Will Do"),
    ("p", "3.2.1 The provider will:"),
    ("item", "(a) run a programme of group activities in community venues across all six wards, "
             "on weekdays and on at least one evening or weekend session each week;"),
    ("item", "(b) offer one-to-one introductory support so that people who lack confidence can "
             "attend their first sessions with a worker or volunteer;"),
    ("item", "(c) work with carers to plan activities that give them regular breaks;"),
    ("item", "(d) recruit, train and support volunteers, including people who have used the "
             "service; and"),
    ("item", "(e) connect people with other local services such as benefits advice, housing "
             "support and the community mental health team."),
    ("h2", "3.3 Outcomes and Monitoring"),
    ("p", "3.3.1 The provider will report to the Council each quarter against the outcomes "
          "framework in the detailed specification. Measures will include the number of people "
          "supported, changes in self-reported wellbeing and the number of people who move on "
          "to independent community activity."),
    ("p", "3.3.2 The Council will hold contract review meetings with the provider every three "
          "months during the first year and every six months after that."),
    ("h2", "3.4 Venues, Travel and Accessibility"),
    ("p", "3.4.1 Activities must take place in venues that are physically accessible, close to "
          "public transport and welcoming to people from all backgrounds. The Council can "
          "offer the use of its libraries and community centres at no charge outside their "
          "normal programme."),
    ("p", "3.4.2 The provider will help people who cannot travel independently to reach "
          "activities, for example by arranging shared transport, supporting people to use "
          "buses or matching them with a volunteer travel buddy."),
    ("h2", "3.5 Mobilisation"),
    ("p", "3.5.1 The provider will agree a mobilisation plan with the Council within two "
          "weeks of contract award. The plan will cover recruitment, the transfer of people "
          "currently using day centres, communication with residents and the opening of the "
          "first community sessions by 1 May 2026."),
    ("h2", "3.6 Staffing"),
    ("p", "3.6.1 The provider must ensure that all staff and volunteers who work with adults "
          "at risk hold an enhanced Disclosure and Barring Service check before they start work "
          "on the contract."),

    ("h1", "Section 4 \u2013 Selection Criteria"),
    ("p", "4.0.1 Bidders must meet every selection criterion in this Section. A bidder that "
          "fails any criterion will be excluded and its quality and price responses will not "
          "be evaluated."),
    ("h2", "4.1 Exclusion Grounds"),
    ("p", "4.1.1 Bidders must complete Part 2 of the selection questionnaire and confirm "
          "whether any of the mandatory or discretionary grounds for exclusion apply to them. "
          "The Council will exclude a bidder where a mandatory ground applies and has not been "
          "remedied."),
    ("p", "4.1.2 Bidders who have self-cleaned may provide evidence of the steps they have "
          "taken, and the Council will consider that evidence before deciding whether to "
          "exclude them."),
    ("h2", "4.2 Economic and Financial Standing"),
    ("p", "4.2.1 Bidders must have a minimum annual turnover of \u00a35,000,000 in each of the "
          "last three financial years."),
    ("p", "4.2.2 Bidders must have been trading for at least 5 years at the tender deadline. "
          "Organisations formed more recently will not be considered."),
    ("p", "4.2.3 Bidders must provide audited accounts for the last three years. Management "
          "accounts or accounts prepared by an independent examiner will not be accepted."),
    ("p", "4.2.4 The Council will also review the bidder\u2019s accounts to check that it has "
          "sufficient working capital to deliver the service from the start date."),
    ("p", "4.2.5 The successful bidder must provide a performance bond of 15% of the contract "
          "value from a bank or insurer approved by the Council before the contract is signed."),
    ("h2", "4.3 Technical and Professional Ability"),
    ("p", "4.3.1 Bidders must provide five references for contracts of a similar nature, each "
          "worth at least \u00a3500,000, delivered for public sector clients within the last "
          "five years."),
    ("p", "4.3.2 Each reference must include the client\u2019s name, the contract value, the "
          "dates of delivery and a contact who can confirm the bidder\u2019s performance."),
    ("p", "4.3.3 Bidders must hold ISO 9001 certification for quality management at the time "
          "of tender, and a copy of the current certificate must be provided."),
    ("p", "4.3.4 Bidders should hold ISO 14001 or equivalent environmental management "
          "certification, or be able to describe the equivalent measures they take to manage "
          "their environmental impact."),
    ("p", "4.3.5 Bidders must have an office within 10 miles of the Town Hall from which the "
          "service will be managed."),
    ("p", "4.3.6 The minimum requirements for staffing and capacity are set out in the table "
          "below. Bidders must confirm that they meet each of them."),
    ("table", [
        ["Selection criterion", "Minimum requirement"],
        ["Minimum number of employees", "50 full-time staff"],
        ["Safeguarding lead", "A named designated safeguarding lead for adults"],
        ["Volunteer management", "A written volunteer policy reviewed in the last two years"],
        ["Data protection", "Registration with the Information Commissioner\u2019s Office"],
    ], [70, 90]),
    ("h2", "4.4 Insurance"),
    ("p", "4.4.1 The successful bidder must hold Employer\u2019s Liability insurance of at least "
          "\u00a35,000,000, as required by law."),
    ("p", "4.4.2 Bidders must hold Professional Indemnity insurance of \u00a310,000,000 for each "
          "claim. This cover must be in place at the time of tender, and copies of the "
          "insurance certificates must be submitted with the tender."),
    ("p", "4.4.3 Public Liability insurance of \u00a35,000,000 will be required for the "
          "contract. Bidders do not need to hold this cover when they bid; evidence of it will "
          "be required prior to contract award."),

    ("h1", "Section 5 \u2013 Award Criteria"),
    ("p", "5.1 Tenders that pass the selection stage will be evaluated on the basis of the most "
          "advantageous tender, using the criteria and weightings below."),
    ("table", [
        ["Criterion", "Weighting", "How it is assessed"],
        ["Service delivery model", "25%", "Quality question Q1, scored 0 to 5"],
        ["Reaching isolated residents", "15%", "Quality question Q2, scored 0 to 5"],
        ["Safeguarding and quality assurance", "10%", "Quality question Q3, scored 0 to 5"],
        ["Social value", "10%", "Quality question Q4, scored 0 to 5"],
        ["Price", "40%", "Lowest compliant price scores full marks"],
    ], [60, 25, 75]),
    ("p", "5.2 A score of 0 or 1 on any quality question will mean the tender is rejected."),
    ("p", "5.3 Social value responses will be assessed against the Council\u2019s social value "
          "framework. Examples include creating volunteering and employment opportunities for "
          "local residents, working with other community organisations and reducing the "
          "carbon impact of travel."),
    ("p", "5.4 Price will be scored by dividing the lowest compliant total price by the "
          "bidder\u2019s total price and multiplying by the weighting."),

    ("h1", "Section 6 \u2013 Contract Terms"),
    ("p", "6.0.1 The contract will be the Council\u2019s standard terms and conditions for "
          "services, with the service-specific schedules. The main terms are summarised below; "
          "the draft contract in the tender pack prevails if there is any difference."),
    ("h2", "6.1 Term"),
    ("p", "6.1.1 The contract will run from 1 April 2026 for three years, with the option to "
          "extend described in paragraph 1.3.2. The Council may end the contract on six "
          "months\u2019 written notice."),
    ("h2", "6.2 Payment"),
    ("p", "6.2.1 The Contractor will invoice the Council quarterly in arrears. The Council will "
          "pay each invoice within 60 days of invoice."),
    ("p", "6.2.2 The Council may withhold payment of any amount it disputes in good faith "
          "until the dispute is resolved."),
    ("p", "6.2.3 The Contractor must pay its own subcontractors within 30 days of receipt of a "
          "valid undisputed invoice, and must include the same term in each subcontract."),
    ("h2", "6.3 Liability"),
    ("p", "6.3.1 The Contractor shall have unlimited liability for all losses, damages, costs "
          "and claims arising from or in connection with the contract."),
    ("p", "6.3.2 The Contractor shall indemnify the Council against any claim made by a third "
          "party as a result of the Contractor\u2019s performance of the contract."),
    ("h2", "6.4 Other Terms"),
    ("p", "6.4.1 The Contractor must comply with the Council\u2019s policies on safeguarding, "
          "equality and data protection, copies of which are in the tender pack."),
    ("p", "6.4.2 The Contractor must pay all staff working on the contract at least the Real "
          "Living Wage."),
    ("p", "6.4.3 The Council will publish the contract, with commercially sensitive "
          "information removed, in line with its transparency duties."),
]


# --- PDF -----------------------------------------------------------------------------------

def _pdf_story(content: Sequence[Item]) -> list:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13,
                          spaceAfter=6, alignment=TA_LEFT)
    item = ParagraphStyle("item", parent=body, leftIndent=18, spaceAfter=3)
    h1 = ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=14, leading=18,
                        spaceBefore=10, spaceAfter=8, keepWithNext=1)
    h2 = ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=11, leading=14,
                        spaceBefore=6, spaceAfter=4, keepWithNext=1)
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=22,
                           leading=28, spaceBefore=120, spaceAfter=12)
    subtitle = ParagraphStyle("subtitle", parent=body, fontName="Helvetica-Bold", fontSize=15,
                              leading=20, spaceAfter=30)
    cell = ParagraphStyle("cell", parent=body, spaceAfter=0, leading=12)
    styles = {"p": body, "item": item, "h1": h1, "h2": h2, "title": title, "subtitle": subtitle}

    story: list = []
    started = False  # each Section starts a new page, as in the DOCX
    for entry in content:
        kind = entry[0]
        if kind == "h1" and started:
            story.append(PageBreak())
        started = kind != "pagebreak"
        if kind == "pagebreak":
            story.append(PageBreak())
        elif kind == "table":
            rows = [[Paragraph(escape(text), cell) for text in row] for row in entry[1]]
            table = Table(rows, colWidths=[w * mm for w in entry[2]], repeatRows=1)
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story += [table, Spacer(1, 8)]
        else:
            story.append(Paragraph(escape(entry[1]), styles[kind]))
    return story


def _draw_running(canvas, doc, total: int) -> None:
    from reportlab.lib.pagesizes import A4

    width, height = A4
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawString(doc.leftMargin, height - 36, RUNNING_HEADER)
    canvas.setLineWidth(0.5)
    canvas.line(doc.leftMargin, height - 40, width - doc.rightMargin, height - 40)
    canvas.drawCentredString(width / 2, 28, f"Page {doc.page} of {total}")
    canvas.restoreState()


def _render_pdf(content: Sequence[Item], total: int) -> tuple[bytes, int]:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm,
                            topMargin=24 * mm, bottomMargin=22 * mm, title=TITLE,
                            author=AUTHOR, subject="ITT RBC/2025/044", creator="build_sample.py",
                            invariant=0)

    def on_page(canvas, doc_) -> None:
        _draw_running(canvas, doc_, total)

    doc.build(_pdf_story(content), onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue(), doc.page


@contextlib.contextmanager
def _source_date(when: dt.datetime) -> Iterator[None]:
    """ReportLab stamps CreationDate from SOURCE_DATE_EPOCH when it is set (reproducible
    builds); set it for the build only."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.replace(tzinfo=dt.timezone.utc).timestamp()))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def build_pdf(path: Path, content: Sequence[Item] = CONTENT) -> int:
    """Write the PDF; returns its page count. Two passes, so the footer can say "of M"."""
    with _source_date(BUILD_DATE):
        _, pages = _render_pdf(content, total=0)
        data, pages_again = _render_pdf(content, total=pages)
    assert pages == pages_again
    path.write_bytes(data)
    return pages


# --- DOCX ----------------------------------------------------------------------------------

def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a saved DOCX with fixed member dates, so the build is byte-identical."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def build_docx(path: Path, content: Sequence[Item] = CONTENT) -> None:
    """Write the DOCX: Word heading styles, literal clause numbers, ruled tables, a page break
    after the cover and before each Section."""
    import docx
    from docx.shared import Mm, Pt

    document = docx.Document()
    props = document.core_properties
    props.title = TITLE
    props.author = AUTHOR
    props.created = props.modified = BUILD_DATE
    props.last_modified_by = AUTHOR
    props.revision = 1
    section = document.sections[0]
    section.header.paragraphs[0].text = RUNNING_HEADER
    section.left_margin = section.right_margin = Mm(22)
    document.styles["Normal"].font.size = Pt(10)
    started = False
    for entry in content:
        kind = entry[0]
        if kind == "title":
            document.add_heading(entry[1], level=0)
        elif kind == "subtitle":
            document.add_paragraph(entry[1], style="Subtitle")
        elif kind == "h1":
            if started:
                document.add_page_break()
            document.add_heading(entry[1], level=1)
        elif kind == "h2":
            document.add_heading(entry[1], level=2)
        elif kind == "p":
            document.add_paragraph(entry[1])
        elif kind == "item":
            paragraph = document.add_paragraph(entry[1])
            paragraph.paragraph_format.left_indent = Mm(6)
        elif kind == "table":
            rows = entry[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        elif kind == "pagebreak":
            document.add_page_break()
            started = False
            continue
        started = True
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def build(out_dir: Path = HERE, copies: int = 1) -> dict[str, Union[Path, int]]:
    """Build both files into `out_dir`. `copies` > 1 repeats the body (for timing runs)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    body = CONTENT[CONTENT.index(("pagebreak",)) + 1:]
    content = CONTENT + [e for _ in range(copies - 1) for e in [("pagebreak",), *body]]
    stem = "riverside-itt" if copies == 1 else f"riverside-itt-x{copies}"
    pdf_path = out_dir / f"{stem}.pdf"
    docx_path = out_dir / f"{stem}.docx"
    pages = build_pdf(pdf_path, content)
    build_docx(docx_path, content)
    return {"pdf": pdf_path, "docx": docx_path, "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=HERE)
    parser.add_argument("--copies", type=int, default=1, help="repeat the body (timing runs)")
    args = parser.parse_args()
    result = build(args.out_dir, args.copies)
    print(f"wrote {result['pdf']} ({result['pages']} pages) and {result['docx']}")


if __name__ == "__main__":
    main()
