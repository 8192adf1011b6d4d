"""ZIP tender packs: members named in every block, pages per member, unsafe/unreadable members
reported without stopping the rest, zip-bomb and member-count limits."""
from __future__ import annotations

import pytest

from barrier_scan.errors import EmptyFile, NoTextLayer, TooLarge, UnsupportedType
from barrier_scan.extract import archive, extract, extract_bytes
from pdfgen import check_offsets, make_image_only_pdf, zip_bytes

ITT_PAGES = [["# 1 Introduction", "The Council invites tenders for a wellbeing service."],
             ["# 4 Selection", "Bidders must have been trading for at least 5 years."]]


@pytest.fixture
def itt_pdf(make_pdf):
    return make_pdf(ITT_PAGES, header="RBC ITT", footer="Page {page} of {pages}", name="ITT.pdf")


@pytest.fixture
def spec_docx(make_docx):
    return make_docx([("heading", "Specification", 1),
                      ("para", "The provider must run sessions in all six wards.")], name="spec.docx")


def test_pack_with_two_members_names_each_file(make_zip, itt_pdf, spec_docx):
    pack = make_zip([("tender/ITT.pdf", itt_pdf), ("tender/annex/spec.docx", spec_docx)])
    doc = extract(pack)
    check_offsets(doc)
    name = str(pack)
    assert [(b.file, b.page, b.text) for b in doc.blocks] == [
        (f"{name}!tender/ITT.pdf", 1, "1 Introduction"),
        (f"{name}!tender/ITT.pdf", 1, "The Council invites tenders for a wellbeing service."),
        (f"{name}!tender/ITT.pdf", 2, "4 Selection"),
        (f"{name}!tender/ITT.pdf", 2, "Bidders must have been trading for at least 5 years."),
        (f"{name}!tender/annex/spec.docx", 1, "Specification"),
        (f"{name}!tender/annex/spec.docx", 1, "The provider must run sessions in all six wards."),
    ]
    assert doc.pages == 3
    assert doc.errors == []
    assert doc.metadata["members"] == [f"{name}!tender/ITT.pdf", f"{name}!tender/annex/spec.docx"]


def test_display_name_is_used_for_members(make_zip, itt_pdf):
    pack = make_zip([("ITT.pdf", itt_pdf)])
    doc = extract(pack, display_name="pack.zip")
    assert {b.file for b in doc.blocks} == {"pack.zip!ITT.pdf"}
    assert doc.path == "pack.zip"


@pytest.mark.parametrize("bad_name", ["../../etc/evil.txt", "/etc/evil.txt", "C:/evil.txt",
                                      "docs\\..\\..\\evil.txt"])
def test_zip_slip_member_refused_good_member_read(make_zip, itt_pdf, bad_name):
    pack = make_zip([(bad_name, b"Bidders must hold ISO 9001."), ("ITT.pdf", itt_pdf)], name="pack.zip")
    doc = extract(pack, display_name="pack.zip")
    assert [e.kind for e in doc.errors] == ["unsafe-archive-path"]
    assert doc.errors[0].file == f"pack.zip!{bad_name}"
    assert {b.file for b in doc.blocks} == {"pack.zip!ITT.pdf"}
    assert not any("ISO 9001" in b.text for b in doc.blocks)


def test_unreadable_members_are_reported_by_name(make_zip, itt_pdf, tmp_path):
    scan = make_image_only_pdf(tmp_path, "scan.pdf")
    pack = make_zip([("ITT.pdf", itt_pdf), ("prices.xlsx", b"PK\x03\x04 not really"),
                     ("broken.pdf", itt_pdf.read_bytes()[:400]), ("scan.pdf", scan),
                     ("empty.txt", b""), ("__MACOSX/._ITT.pdf", b"\x00\x05junk")], name="pack.zip")
    doc = extract(pack, display_name="pack.zip")
    assert [(e.file, e.kind) for e in doc.errors] == [
        ("pack.zip!prices.xlsx", "unsupported-type"),
        ("pack.zip!broken.pdf", "corrupt-file"),
        ("pack.zip!scan.pdf", "no-text-layer"),
        ("pack.zip!empty.txt", "empty-file"),
    ]
    assert all("\n" not in e.message for e in doc.errors)
    assert {b.file for b in doc.blocks} == {"pack.zip!ITT.pdf"}
    assert doc.pages == 2


def _mark_first_member_encrypted(data: bytes) -> bytes:
    """Set the "encrypted" flag bit of the first member in its local and central headers
    (zipfile cannot write encrypted members, and we must not try to read them anyway)."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    central = out.find(b"PK\x01\x02")
    out[local + 6] |= 0x1
    out[central + 8] |= 0x1
    return bytes(out)


def test_encrypted_member_is_reported(itt_pdf):
    pack = _mark_first_member_encrypted(
        zip_bytes([("locked.pdf", b"%PDF-1.4 whatever"), ("ITT.pdf", itt_pdf.read_bytes())]))
    doc = extract_bytes(pack, "pack.zip")
    assert [(e.file, e.kind) for e in doc.errors] == [("pack.zip!locked.pdf", "encrypted")]
    assert "password-protected" in doc.errors[0].message
    assert len(doc.blocks) == 4


def test_nested_zip_one_level(itt_pdf):
    inner = zip_bytes([("ITT.pdf", itt_pdf.read_bytes())])
    innermost = zip_bytes([("deep.zip", zip_bytes([("x.txt", b"Too deep to read.")]))])
    pack = zip_bytes([("lot1.zip", inner), ("lot2.zip", innermost)])
    doc = extract_bytes(pack, "pack.zip")
    assert {b.file for b in doc.blocks} == {"pack.zip!lot1.zip!ITT.pdf"}
    assert [(e.file, e.kind) for e in doc.errors] == [("pack.zip!lot2.zip!deep.zip", "unsupported-type")]


def test_no_member_with_text_raises_the_most_relevant_error(tmp_path):
    scan = make_image_only_pdf(tmp_path)
    pack = zip_bytes([("readme.xlsx", b"x"), ("ITT.pdf", scan.read_bytes())])
    with pytest.raises(NoTextLayer) as caught:
        extract_bytes(pack, "pack.zip")
    assert str(caught.value).startswith("pack.zip!ITT.pdf: has no text layer")


def test_empty_zip_raises_empty_file():
    with pytest.raises(EmptyFile, match="no files"):
        extract_bytes(zip_bytes([]), "pack.zip")


def test_zip_bomb_is_bounded_by_max_bytes():
    bomb = zip_bytes([("bomb.txt", b"0" * 2_000_000)])
    assert len(bomb) < 10_000
    with pytest.raises(TooLarge, match="limit"):
        extract_bytes(bomb, "pack.zip", max_bytes=100_000)


def test_byte_budget_is_shared_by_all_members():
    pack = zip_bytes([("a.txt", b"Bidders must hold ISO 9001.\n" + b" " * 60_000),
                      ("b.txt", b"Payment within 60 days.\n" + b" " * 60_000)])
    doc = extract_bytes(pack, "pack.zip", max_bytes=100_000)
    assert [b.text for b in doc.blocks] == ["Bidders must hold ISO 9001."]
    assert [(e.file, e.kind) for e in doc.errors] == [("pack.zip!b.txt", "too-large")]


def test_member_count_cap(monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBERS", 3)
    pack = zip_bytes([(f"n{i}.txt", b"Text.") for i in range(4)])
    with pytest.raises(TooLarge, match="4 files"):
        extract_bytes(pack, "pack.zip")


def test_member_named_like_a_supported_type_but_unsupported_inside():
    pack = zip_bytes([("notes.txt", b"Consortium bids will not be accepted."),
                      ("photo.pdf", b"\x89PNG\r\n\x1a\n....")])
    doc = extract_bytes(pack, "pack.zip")
    assert [b.text for b in doc.blocks] == ["Consortium bids will not be accepted."]
    assert [(e.file, e.kind) for e in doc.errors] == [("pack.zip!photo.pdf", "corrupt-file")]


def test_unsupported_only_pack_raises_unsupported():
    with pytest.raises(UnsupportedType):
        extract_bytes(zip_bytes([("prices.xlsx", b"x"), ("logo.png", b"y")]), "pack.zip")
