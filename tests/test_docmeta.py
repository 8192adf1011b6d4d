"""docmeta.describe: who is buying what, under which reference and when, from page one."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from barrier_scan.docmeta import describe, organisation_in, parse_date
from barrier_scan.model import Block, Document

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "samples" / "riverside-itt.pdf"


def document(*texts: str, page: int = 1) -> Document:
    blocks, pos = [], 0
    for text in texts:
        blocks.append(Block(text, "itt.pdf", page, pos, pos + len(text)))
        pos += len(text) + 1
    return Document("itt.pdf", blocks, pages=page, sha256="0" * 64)


@pytest.mark.parametrize("lines, expected", [
    (["Buyer: Northfield District Council", "Reference: NDC-0091"],
     {"authority": "Northfield District Council", "reference": "NDC-0091"}),
    (["Contracting Authority: Eastmoor Housing Partnership"], {"authority": "Eastmoor Housing Partnership"}),
    (["Riverside Borough Council", "Invitation to Tender: Community Wellbeing Service"],
     {"authority": "Riverside Borough Council", "title": "Community Wellbeing Service"}),
    (["Issued by: Procurement Services, Riverside Borough Council, Town Hall, Riverside RV1 1AA"],
     {"authority": "Riverside Borough Council"}),
    (["Eastmoor NHS Foundation Trust", "Request for Quotation for Laundry Services"],
     {"authority": "Eastmoor NHS Foundation Trust", "title": "Laundry Services"}),
    (["Department for Example Affairs", "Contract title: Translation Services Framework"],
     {"authority": "Department for Example Affairs", "title": "Translation Services Framework"}),
    (["Tender reference: RBC/2025/044   Date of issue: 3rd March 2025"],
     {"reference": "RBC/2025/044", "published": "2025-03-03"}),
    (["Publication date: 18/11/2024", "Closing date: 9 December 2024 at noon"],
     {"published": "2024-11-18", "deadline": "2024-12-09"}),
    (["Ref: ocds-b5fd17-000123"], {"reference": "ocds-b5fd17-000123"}),
    (["The Council's turnover is £240m."], {}),
])
def test_describe(lines, expected):
    assert describe(document(*lines)) == expected


def test_first_substantial_heading_is_the_title_when_nothing_is_labelled():
    got = describe(document("Westshire County Council", "Contents", "Highways Drainage Maintenance 2025-2028"))
    assert got == {"authority": "Westshire County Council", "title": "Highways Drainage Maintenance 2025-2028"}


def test_later_pages_are_not_read():
    assert describe(document("Buyer: Somewhere Else Council", page=3)) == {}


def test_wrapped_title_is_joined():
    got = describe(document("Invitation to Tender: Community Wellbeing and Day", "Opportunities Service"))
    assert got["title"] == "Community Wellbeing and Day Opportunities Service"


@pytest.mark.parametrize("text, date", [
    ("3 November 2025", dt.date(2025, 11, 3)), ("November 3, 2025", dt.date(2025, 11, 3)),
    ("03/11/2025", dt.date(2025, 11, 3)), ("2025-11-03", dt.date(2025, 11, 3)),
    ("1st Sept 2024", dt.date(2024, 9, 1)), ("31/02/2025", None), ("soon", None),
])
def test_parse_date(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text, org", [
    ("Royal Borough of Kingston upon Thames", "Royal Borough of Kingston upon Thames"),
    ("London Borough of Hackney", "London Borough of Hackney"),
    ("University of Eastmoor", "University of Eastmoor"),
    ("Westshire Fire and Rescue Service", "Westshire Fire and Rescue Service"),
    ("the bidder shall", None),
])
def test_organisation_in(text, org):
    assert organisation_in(text) == org


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample tender not built")
def test_sample_tender():
    from barrier_scan.extract import extract

    assert describe(extract(SAMPLE)) == {
        "authority": "Riverside Borough Council",
        "title": "Community Wellbeing and Day Opportunities Service",
        "reference": "RBC/2025/044", "published": "2025-11-03", "deadline": "2025-12-08"}


def test_the_organisation_precheck_never_skips_a_name_the_regex_finds() -> None:
    """`organisation_in` skips lines without the words every ORGANISATION alternative needs;
    that must never skip a name the regex would find."""
    import json

    from barrier_scan.corpus import default_corpus_dir
    from barrier_scan.prefilter import fold_case
    from barrier_scan.docmeta import _MAY_NAME_ORGANISATION, ORGANISATION

    texts = [json.loads(line)["text"] for path in sorted(default_corpus_dir().glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += ["London Borough of Tower Hamlets", "Royal Borough of Kingston upon Thames",
              "Highland Council", "Leeds Teaching Hospitals NHS Trust", "Home Office Police",
              "University of Glasgow", "Department for Education", "Environment Agency",
              "Health and Safety Executive", "Forestry Commission", "Scottish Fire and Rescue Service"]
    found = [t for t in texts if ORGANISATION.search(t)]
    assert len(found) > 100
    assert all(_MAY_NAME_ORGANISATION(fold_case(t)) for t in found)
