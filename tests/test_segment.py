from __future__ import annotations

from barrier_scan.model import Block, Document
from barrier_scan.segment import read_number, segment


def doc(*items: "tuple[str, str] | str", page: int = 1) -> Document:
    blocks, pos = [], 0
    for item in items:
        kind, text = item if isinstance(item, tuple) else ("para", item)
        blocks.append(Block(text, "t.pdf", page, pos, pos + len(text), kind))
        pos += len(text) + 1
    return Document("t.pdf", blocks, 1, "x")


def test_read_number_forms() -> None:
    assert read_number("4.2.1 Bidders must").number == "4.2.1"
    assert read_number("4.2.1. Bidders must").number == "4.2.1"
    assert read_number("(a) a bond").number == "(a)"
    assert read_number("(iv) the fourth").number == "(iv)"
    assert read_number("b) second").number == "(b)"
    assert read_number("• bullet").kind == "bullet"
    assert read_number("Section 4 Selection Criteria").number == "4"
    assert read_number("Bidders must").number is None
    assert read_number("2025 was a good year").number is None or read_number("2025 was").depth == 1


def test_clause_numbers_and_heading_path() -> None:
    d = doc(("heading", "Section 4 Selection Criteria"),
            "4.2 Economic and Financial Standing",
            "4.2.1 Bidders must have a minimum turnover of £1m. Accounts are also needed.",
            "(a) a bank reference;",
            "4.3 Technical Ability",
            "Provide three references.")
    clauses = segment(d)
    texts = [c.text for c in clauses]
    assert texts == ["4.2.1 Bidders must have a minimum turnover of £1m.", "Accounts are also needed.",
                     "(a) a bank reference;", "Provide three references."]
    assert clauses[0].number == "4.2.1"
    assert clauses[0].heading == ("Section 4 Selection Criteria", "4.2 Economic and Financial Standing")
    assert clauses[2].number == "4.2.1(a)"
    assert clauses[3].heading == ("Section 4 Selection Criteria", "4.3 Technical Ability")
    assert clauses[3].number == "4.3"


def test_offsets_index_the_document_text() -> None:
    d = doc("First sentence here. Second one follows.", "3.1 Third clause text.")
    full = d.text
    for c in segment(d):
        assert full[c.start:c.end] == c.text


def test_table_rows_are_clauses() -> None:
    d = doc(("table_row", "Minimum number of employees | 50 full-time staff"))
    clauses = segment(d)
    assert clauses[0].kind == "table_row" and "50 full-time staff" in clauses[0].text


def test_long_sentence_split_at_semicolons() -> None:
    part = "the supplier shall provide a service that is described at length in this part of the clause"
    text = "; ".join([part] * 12) + "."
    clauses = segment(doc(text))
    assert len(clauses) > 1 and all(len(c.text) <= 700 for c in clauses)


# Texts where the sentencizer, the clause-number and glued-stop rules and the one-sentence
# shortcut each have a say.
SPLIT_CASES = [
    "Bidders must hold £5m cover. The cover must be in place at award.",
    "Turnover of at least £1m. Accounts for three years are required.",
    "4.2 Turnover must be £1m. Accounts are needed.",
    "(a) Provide two references. Each must be recent!",
    "See reg. 58 of the PCR 2015. It sets the cap at 2x.",
    "e.g. ISO 9001 or equivalent. Other schemes count.",
    "Is a bond required? No. A parent guarantee may be asked for.",
    "The fee is £1.5m per annum and the term is 4.5 years",
    "Section 3.1.2 applies; see Annex 4.",
    "x.",
    "Tel: 01234 567890. Fax: none.",
    "Payment within 30 days... The Authority may extend it.",
    "Value: £250,000 (ex. VAT). Term: 3 years.",
    "1. Introduction. This ITT sets out the requirements.",
    "The Supplier’s insurance (“Cover”) must be £10m. “Equivalent” cover is accepted.",
    "Quotes close 5pm. Late quotes: rejected",
]


def _reference_spans(text: str) -> list[tuple[int, int]]:
    """The sentence spans `segment` used to get, Token by Token: spaCy's own sentencizer, a
    sentence opened after a stop glued to a figure ("£1m. The"), and every token of a leading
    clause number plus the first of the body kept in the first sentence."""
    import spacy

    from barrier_scan.segment import ABBREVIATIONS

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp(text)
    for token in doc[:-1]:
        t = token.text
        if len(t) > 1 and t.endswith(".") and t.lower() not in ABBREVIATIONS \
                and (any(ch.isdigit() for ch in t) or (token.i > 0 and doc[token.i - 1].like_num)):
            if doc[token.i + 1].text[:1].isupper():
                doc[token.i + 1].is_sent_start = True
    body_start = read_number(text).body_start
    if body_start:
        for token in doc:
            if token.i > 0:
                token.is_sent_start = False
            if token.idx >= body_start:
                break
    return [(sent.start_char, sent.end_char) for sent in doc.sents]


def test_batched_sentence_spans_equal_the_spacy_pipeline() -> None:
    from barrier_scan.segment import _one_sentence, _sentence_spans, sentence_pipeline

    body_starts = [read_number(t).body_start for t in SPLIT_CASES]
    expected = [_reference_spans(text) for text in SPLIT_CASES]
    assert _sentence_spans(sentence_pipeline(), SPLIT_CASES, body_starts) == expected
    for text, body_start, spans in zip(SPLIT_CASES, body_starts, expected):
        if _one_sentence(text, body_start):  # the shortcut may only skip unsplittable text
            assert spans == [(0, len(text))], text
    assert len(expected[0]) == 2 and len(expected[7]) == 1
