"""Real files through the whole pipeline: text, page and clause number of each finding."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import pdfgen
from barrier_scan.cli import cli
from barrier_scan.pipeline import Scanner

HEADER = "Example District Council - ITT EDC/2025/7"
FOOTER = "Page {page} of {pages}"

PAGES = [
    ["# Section 1 Introduction",
     "1.1 The Council invites tenders for a grounds maintenance service.",
     "1.2 The estimated total contract value is £300,000 over three years."],
    ["# Section 4 Selection Criteria",
     "4.2 Economic and Financial Standing",
     "4.2.1 Bidders must have a minimum annual turnover of £2,000,000 in each of the last two years.",
     "4.2.2 Bidders must have been trading for at least four years.",
     "4.2.3 There is no requirement for bidders to provide a bid bond."],
    ["4.3 Technical Ability",
     pdfgen.Table([["Requirement", "Level"], ["Performance bond", "20% of the contract value"]]),
     "4.3.1 Consortium bids are welcome."],
]


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner({"use_model": False})


@pytest.fixture
def tender_pdf(tmp_path: Path) -> Path:
    return pdfgen.make_pdf(tmp_path, PAGES, header=HEADER, footer=FOOTER, name="itt.pdf")


def by_category(result) -> dict:
    return {f.category: f for f in result.findings}


def test_pdf_findings_quote_text_page_and_clause(scanner: Scanner, tender_pdf: Path) -> None:
    result = scanner.scan_path(tender_pdf)
    assert result.errors == [] and result.pages == 3
    found = by_category(result)
    turnover = found["turnover"]
    assert turnover.text == "4.2.1 Bidders must have a minimum annual turnover of £2,000,000 in each of the last two years."
    assert (turnover.clause.page, turnover.clause.number) == (2, "4.2.1")
    assert turnover.clause.heading[-1] == "4.2 Economic and Financial Standing"
    # value read from the document: £2m on £300k is 6.7x, above the 2x cap
    assert result.value.amount == 300_000 and result.value.source == "document" and result.value.page == 1
    assert turnover.severity == "high" and turnover.assessment.exceeded
    trading = found["trading_history"]
    assert (trading.clause.page, trading.clause.number) == (2, "4.2.2")
    # the requirement in a table cell is found, on its page
    bond = found["security_bond"]
    assert bond.clause.page == 3 and "20% of the contract value" in bond.text
    assert bond.assessment.exceeded  # 20% > 10%
    # the fair clauses are not flagged
    assert "consortium_subcontracting" not in found
    assert not any("bid bond" in f.text for f in result.findings)
    # header and footer never leak into a quoted clause
    assert not any(HEADER in f.text or "Page 2 of 3" in f.text for f in result.findings)


def test_every_quote_is_exact_extracted_text(scanner: Scanner, tender_pdf: Path) -> None:
    from barrier_scan.extract import extract

    text = extract(tender_pdf).text
    result = scanner.scan_path(tender_pdf)
    for f in result.findings:
        assert text[f.clause.start:f.clause.end] == f.text


def test_docx_findings(scanner: Scanner, tmp_path: Path) -> None:
    path = pdfgen.make_docx(tmp_path, [
        ("heading", "Section 4 Selection Criteria", 1),
        ("heading", "4.2 Economic and Financial Standing", 2),
        ("para", "4.2.1 Bidders must provide audited accounts for the last three years."),
        ("page_break",),
        ("para", "6.2 The Council will pay invoices within 60 days of receipt."),
        ("table", [["Criterion", "Minimum"], ["Public Liability insurance", "£10,000,000 in place at the time of tender"]]),
    ], name="itt.docx")
    result = scanner.scan_path(path)
    found = by_category(result)
    assert found["audited_accounts"].clause.number == "4.2.1"
    assert found["audited_accounts"].clause.page == 1
    assert found["payment_terms"].clause.page == 2
    assert found["payment_terms"].severity == "high"
    assert "insurance" in found


def test_zip_pack_names_each_file(scanner: Scanner, tmp_path: Path, tender_pdf: Path) -> None:
    docx = pdfgen.make_docx(tmp_path, [("para", "Invoices will be paid within 45 days of receipt.")], name="terms.docx")
    pack = pdfgen.make_zip(tmp_path, [("ITT/itt.pdf", tender_pdf), ("terms.docx", docx),
                                      ("../escape.txt", b"Consortium bids will not be accepted.")])
    result = scanner.scan_path(pack)
    files = {f.clause.file for f in result.findings}
    assert any(name.endswith("pack.zip!ITT/itt.pdf") for name in files)
    assert any(name.endswith("pack.zip!terms.docx") for name in files)
    assert [e.kind for e in result.errors] == ["unsafe-archive-path"]
    assert "escape.txt" in result.errors[0].file + result.errors[0].message
    assert not any("Consortium" in f.text for f in result.findings)


def test_cli_json_contract(tender_pdf: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(tender_pdf), "--format", "json", "--no-model"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["tool"]["name"] == "barrier-scan" and data["tool"]["version"]
    doc = data["documents"][0]
    assert doc["pages"] == 3 and doc["value"]["source"] == "document" and doc["errors"] == []
    f = next(f for f in doc["findings"] if f["category"] == "turnover")
    for key in ("category", "severity", "confidence", "text", "page", "clause", "heading", "rule",
                "quantities", "legal", "recommendation", "basis"):
        assert key in f
    assert f["rule"] == "turnover.minimum" and f["clause"] == "4.2.1" and f["page"] == 2
    assert 0 <= f["confidence"] <= 1 and f["legal"] and f["recommendation"]


def test_cli_value_overrides_document(tender_pdf: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(tender_pdf), "--format", "json", "--no-model", "--value", "5000000"])
    doc = json.loads(result.output)["documents"][0]
    assert doc["value"] == {"amount": 5000000.0, "currency": "GBP", "source": "cli", "term_years": 3}
    # £2m on £5m is within the 2x cap: checked and found fair, not a finding
    assert not [f for f in doc["findings"] if f["category"] == "turnover"]


def test_cli_fail_on_gates_publication(tender_pdf: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", str(tender_pdf), "--no-model", "--fail-on", "high", "--format", "json"]).exit_code == 1
    clean = tender_pdf.parent / "clean.txt"
    clean.write_text("The Council will pay valid invoices within 30 days.\n", encoding="utf-8")
    assert runner.invoke(cli, ["scan", str(clean), "--no-model", "--fail-on", "low", "--format", "json"]).exit_code == 0


def test_cli_stdin(tmp_path: Path) -> None:
    text = "4.1 Bidders must have been trading for a minimum of three years.\n"
    result = CliRunner().invoke(cli, ["scan", "-", "--format", "json", "--no-model"], input=text.encode())
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)["documents"][0]
    assert doc["findings"][0]["category"] == "trading_history"


@pytest.mark.parametrize("fmt", ["markdown", "html", "csv", "referral"])
def test_cli_writes_each_format_atomically(tender_pdf: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out" / f"report.{fmt}"
    result = CliRunner().invoke(cli, ["scan", str(tender_pdf), "--no-model", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4.2.1 Bidders must have a minimum annual turnover" in out.read_text(encoding="utf-8")
    assert not list(out.parent.glob("*.part"))


def test_stored_zip_pack_with_a_pdf_first_is_read_as_a_pack(scanner: Scanner, tmp_path: Path, tender_pdf: Path) -> None:
    import zipfile

    pack = tmp_path / "stored.zip"
    with zipfile.ZipFile(pack, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("itt.pdf", tender_pdf.read_bytes())
        zf.writestr("terms.txt", "Invoices will be paid within 60 days of receipt.\n")
    result = scanner.scan_path(pack)
    files = {f.clause.file.rsplit("!", 1)[-1] for f in result.findings}
    assert {"itt.pdf", "terms.txt"} <= files
