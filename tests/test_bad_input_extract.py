"""Bad input gives a typed error with a one-line message that names the file and says what to
do; never a library traceback."""
from __future__ import annotations

import io
import zipfile

import pytest

from barrier_scan.errors import (CorruptFile, EmptyFile, EncryptedFile, EncryptedPDF, ExtractionError,
                                 NoTextLayer, SettingsError, TooLarge, UnsupportedType)
from barrier_scan.extract import SUPPORTED_SUFFIXES, extract, extract_bytes
from pdfgen import make_image_only_pdf, make_pdf

EXTRACTORS = ("layout", "fast")
TEXT_PAGES = [["# 1 Introduction", "The Council invites tenders for a wellbeing service."],
              ["# 2 Selection", "Bidders must hold ISO 9001 certification."]]


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _text_pdf(tmp_path) -> bytes:
    return make_pdf(tmp_path, TEXT_PAGES, name="text.pdf").read_bytes()


def _docx_bytes(tmp_path) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Bidders must hold ISO 9001 certification.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# (case id, file name, bytes builder, error type, words the message must contain)
CASES = [
    ("zero-byte-pdf", "tender.pdf", lambda tmp: b"", EmptyFile, "is empty (0 bytes)"),
    ("zero-byte-docx", "tender.docx", lambda tmp: b"", EmptyFile, "is empty (0 bytes)"),
    ("zero-byte-txt", "tender.txt", lambda tmp: b"", EmptyFile, "is empty (0 bytes)"),
    ("blank-txt", "tender.txt", lambda tmp: b" \n\n\t\n", EmptyFile, "only blank space"),
    ("truncated-pdf", "tender.pdf", lambda tmp: _text_pdf(tmp)[:600], CorruptFile,
     "not a readable PDF (truncated or corrupt); re-export or re-download it"),
    ("garbage-named-pdf", "tender.pdf", lambda tmp: b"this is not a pdf at all", CorruptFile,
     "not a readable PDF (truncated or corrupt)"),
    ("pdf-header-only", "tender.pdf", lambda tmp: b"%PDF-1.7\n%%EOF\n", CorruptFile,
     "not a readable PDF"),
    ("encrypted-pdf", "tender.pdf",
     lambda tmp: make_pdf(tmp, TEXT_PAGES, name="locked.pdf", encrypt="secret").read_bytes(),
     EncryptedPDF, "is password-protected; save an unprotected copy"),
    ("image-only-pdf", "scan.pdf", lambda tmp: make_image_only_pdf(tmp).read_bytes(), NoTextLayer,
     "has no text layer (scanned?); run OCR on it first, e.g. ocrmypdf"),
    ("xlsx", "prices.xlsx", lambda tmp: _xlsx_bytes(), UnsupportedType, "an Excel workbook"),
    ("png", "logo.png", lambda tmp: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, UnsupportedType, "a PNG image"),
    ("binary", "data.bin", lambda tmp: bytes(range(256)) * 4, UnsupportedType, ".pdf, .docx"),
    ("unknown-text-suffix", "prices.csv", lambda tmp: b"a,b\n1,2\n", UnsupportedType, "a .csv file"),
    ("binary-named-txt", "notes.txt", lambda tmp: b"\x00\x01\x02\x03" * 100, UnsupportedType,
     "binary data"),
    ("truncated-docx", "tender.docx", lambda tmp: _docx_bytes(tmp)[:2000], CorruptFile,
     "not a readable Word file"),
    ("zip-without-document-named-docx", "tender.docx",
     lambda tmp: _xlsx_bytes().replace(b"xl/workbook.xml", b"xx/notebook.xml"), CorruptFile,
     "not a readable Word file"),
    ("encrypted-docx", "tender.docx", lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
     EncryptedFile, "password-protected Word file"),
    ("legacy-doc", "tender.doc", lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
     UnsupportedType, "legacy Office file"),
    ("truncated-zip", "pack.zip", lambda tmp: b"PK\x03\x04" + b"\x00" * 40, CorruptFile,
     "not a readable ZIP archive"),
]


@pytest.mark.parametrize("extractor", EXTRACTORS)
@pytest.mark.parametrize("case, name, build, error, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_a_typed_one_line_error(tmp_path, extractor, case, name, build, error, words):
    path = tmp_path / name
    path.write_bytes(build(tmp_path))
    with pytest.raises(error) as caught:
        extract(path, extractor=extractor)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert words in message
    assert "\n" not in message
    assert caught.value.kind == error.kind
    assert caught.value.__cause__ is None or isinstance(caught.value.__cause__, ExtractionError)


def test_unsupported_type_lists_the_supported_types(tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(UnsupportedType) as caught:
        extract(path)
    assert all(suffix in str(caught.value) for suffix in SUPPORTED_SUFFIXES)


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_too_many_pages(tmp_path, extractor):
    path = make_pdf(tmp_path, TEXT_PAGES)
    with pytest.raises(TooLarge, match="has 2 pages, over the limit of 1"):
        extract(path, extractor=extractor, max_pages=1)


def test_too_many_bytes(tmp_path):
    path = make_pdf(tmp_path, TEXT_PAGES)
    with pytest.raises(TooLarge, match="over the 100-byte limit"):
        extract(path, max_bytes=100)
    with pytest.raises(TooLarge, match="over the 100-byte limit"):
        extract_bytes(path.read_bytes(), "tender.pdf", max_bytes=100)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ExtractionError, match="file not found"):
        extract(tmp_path / "missing.pdf")
    with pytest.raises(ExtractionError, match="is a folder"):
        extract(tmp_path)


def test_unknown_extractor_is_a_settings_error(tmp_path):
    with pytest.raises(SettingsError, match="unknown extractor"):
        extract(make_pdf(tmp_path, TEXT_PAGES), extractor="ocr")


def test_library_failure_inside_a_reader_becomes_corrupt_file(tmp_path, monkeypatch):
    from barrier_scan.extract import READERS

    def explode(data, name, opts):
        raise KeyError("/Root")  # what a pdfminer internals failure looks like

    monkeypatch.setitem(READERS, "pdf", explode)
    with pytest.raises(CorruptFile, match=r"could not be read \(KeyError\)"):
        extract(make_pdf(tmp_path, TEXT_PAGES))


def test_pdf_named_txt_is_still_read_as_pdf(tmp_path):
    path = tmp_path / "tender.txt"
    path.write_bytes(_text_pdf(tmp_path))
    doc = extract(path)
    assert doc.pages == 2 and doc.blocks[0].text == "1 Introduction"


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_pdf_locked_only_against_editing_is_read(tmp_path, extractor):
    # An owner password without a user password restricts editing, not opening.
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = make_pdf(tmp_path, TEXT_PAGES, encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))
    assert extract(path, extractor=extractor).blocks[-1].text == "Bidders must hold ISO 9001 certification."
