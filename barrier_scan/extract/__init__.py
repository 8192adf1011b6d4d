"""Stage 1: read a tender file into a `Document` of located blocks.

    >>> from barrier_scan.extract import extract
    >>> doc = extract("tender.pdf")                 # or extractor="fast" for batch audits
    >>> doc.blocks[0].page, doc.blocks[0].kind, doc.blocks[0].text

The reader is chosen by what the bytes are (magic numbers) and then by the file name, through
`READERS`; a ZIP pack reads its members through the same table. Everything that can go wrong
with an input surfaces as a typed `ExtractionError` with a one-line message that says what to
do; library exceptions never escape.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Union

from ..errors import (CorruptFile, EmptyFile, EncryptedFile, ExtractionError, TooLarge,
                      UnsupportedType)
from ..model import Document
from ..settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES, EXTRACTORS
from .blocks import Extracted, assemble

PDF_SUFFIXES = (".pdf",)
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".text", ".md")
SUPPORTED_SUFFIXES: tuple[str, ...] = (*PDF_SUFFIXES, ".docx", *HTML_SUFFIXES, *TEXT_SUFFIXES, ".zip")

# How far into a file "%PDF-" may start (Acrobat tolerates junk before it; so do we).
PDF_MAGIC_WINDOW = 1024
_PDF_MAGIC = b"%PDF-"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# OLE2 compound file: legacy .doc/.xls, and Office's wrapper for password-protected .docx.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Types we are often handed by mistake, named so the message can say what the file is.
_KNOWN_BINARY: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
)
# Office Open XML and OpenDocument packages that are ZIPs but not tenders we can read.
_OTHER_PACKAGES: tuple[tuple[str, str], ...] = (
    ("xl/workbook.xml", "an Excel workbook"), ("ppt/presentation.xml", "a PowerPoint file"),
    ("mimetype", "an OpenDocument or EPUB file"),
)
_HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")


def _supported_list() -> str:
    return ", ".join(SUPPORTED_SUFFIXES)


def _unsupported(name: str, what: str) -> UnsupportedType:
    return UnsupportedType(f"is {what}, which barrier-scan cannot read; it reads "
                           f"{_supported_list()}: export the tender as PDF or DOCX", name)


def _suffix(name: str) -> str:
    return Path(name.rsplit("!", 1)[-1]).suffix.lower()


def _zip_kind(data: bytes, name: str) -> str:
    """"docx" or "zip", for a file that starts like a ZIP."""
    suffix = _suffix(name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except Exception:  # BadZipFile, truncated central directory, ...
        if suffix == ".docx":
            raise CorruptFile("not a readable Word file (.docx is damaged or truncated); "
                              "re-save it from Word or re-download it", name) from None
        raise CorruptFile("not a readable ZIP archive (truncated or corrupt); re-download it", name) from None
    if "word/document.xml" in names:
        return "docx"
    for marker, what in _OTHER_PACKAGES:
        if marker in names:
            raise _unsupported(name, what)
    if suffix == ".docx":
        raise CorruptFile("not a readable Word file (no document part inside); re-save it "
                          "from Word as .docx", name)
    return "zip"


def detect_type(data: bytes, name: str) -> str:
    """Which reader handles these bytes: "pdf", "docx", "zip", "html" or "text".

    Magic bytes decide first, so a PDF named ".txt" is still read as a PDF; a file whose
    name promises a binary format it does not have is corrupt, not text.
    """
    head = data[:PDF_MAGIC_WINDOW]
    suffix = _suffix(name)
    # ZIP first: a stored (uncompressed) pack whose first member is a PDF has "%PDF-" near
    # its start too, and reading it as one PDF would lose the other members.
    if head.startswith(_ZIP_MAGICS):
        return _zip_kind(data, name)
    if _PDF_MAGIC in head:
        return "pdf"
    if head.startswith(_OLE_MAGIC):
        if suffix == ".docx":
            raise EncryptedFile("is a password-protected Word file; save an unprotected copy", name)
        raise _unsupported(name, "a legacy Office file (.doc/.xls)")
    if suffix in PDF_SUFFIXES:
        raise CorruptFile("not a readable PDF (truncated or corrupt); re-export or re-download it", name)
    if suffix == ".docx":
        raise CorruptFile("not a readable Word file (.docx is damaged or truncated); re-save "
                          "it from Word or re-download it", name)
    if suffix == ".zip":
        raise CorruptFile("not a readable ZIP archive (truncated or corrupt); re-download it", name)
    for magic, what in _KNOWN_BINARY:
        if head.startswith(magic):
            raise _unsupported(name, what)
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in HTML_SUFFIXES or sniff.startswith(_HTML_STARTS) and b"<html" in data[:4096].lower():
        return "html"
    if suffix in TEXT_SUFFIXES or suffix == "" or name == "-":
        return "text"
    raise _unsupported(name, f"a {suffix} file")


@dataclass(frozen=True)
class ReadOptions:
    """What every reader is told: the PDF extractor and the limits; `depth` counts ZIP nesting."""

    extractor: str = "layout"
    max_pages: int = DEFAULT_MAX_PAGES
    max_bytes: int = DEFAULT_MAX_BYTES
    depth: int = 0


def _read_pdf(data: bytes, name: str, opts: ReadOptions) -> Extracted:
    if opts.extractor == "fast":
        from .pdf_fast import extract_pdf_fast

        return extract_pdf_fast(data, name, opts.max_pages)
    from .pdf import extract_pdf_layout

    return extract_pdf_layout(data, name, opts.max_pages)


def _read_docx(data: bytes, name: str, opts: ReadOptions) -> Extracted:
    from .docx import extract_docx

    return extract_docx(data, name, opts.max_pages)


def _read_html(data: bytes, name: str, opts: ReadOptions) -> Extracted:
    from .html import extract_html
    from .text import decode_text

    return extract_html(decode_text(data), name)


def _read_text(data: bytes, name: str, opts: ReadOptions) -> Extracted:
    from .text import extract_text

    result = extract_text(data, name)
    if result.pages > opts.max_pages:
        raise TooLarge(f"has {result.pages} pages, over the limit of {opts.max_pages}; split "
                       "it or raise --max-pages", name)
    return result


def _read_zip(data: bytes, name: str, opts: ReadOptions) -> Extracted:
    from .archive import extract_zip

    def read_member(blob: bytes, label: str, depth: int, pages_left: int) -> Extracted:
        return _read(blob, label, replace(opts, depth=depth, max_pages=pages_left))

    return extract_zip(data, name, read_member=read_member, max_bytes=opts.max_bytes,
                       max_pages=opts.max_pages, depth=opts.depth, supported=SUPPORTED_SUFFIXES)


Reader = Callable[[bytes, str, ReadOptions], Extracted]

# File type (from detect_type) -> reader. Modules are imported on first use so that reading
# a text file does not load pdfplumber.
READERS: dict[str, Reader] = {
    "pdf": _read_pdf,
    "docx": _read_docx,
    "html": _read_html,
    "text": _read_text,
    "zip": _read_zip,
}


def _read(data: bytes, name: str, opts: ReadOptions, type_name: Optional[str] = None) -> Extracted:
    """Dispatch one input (or one archive member) to its reader, converting stray errors.

    name (str): how the input is named in blocks and messages.
    type_name (str | None): the file name whose suffix hints at the type, when `name` is a
        display name such as a URL.
    """
    if not data:
        raise EmptyFile("is empty (0 bytes); re-download or re-export it", name)
    if len(data) > opts.max_bytes:
        raise TooLarge(f"is {len(data)} bytes, over the {opts.max_bytes}-byte limit; split it "
                       "or raise --max-bytes", name)
    try:
        return READERS[detect_type(data, type_name or name)](data, name, opts)
    except ExtractionError:
        raise
    except RecursionError:
        raise CorruptFile("is nested too deeply to read (a damaged or hostile file); "
                          "re-export it", name) from None
    except MemoryError:
        raise TooLarge("needs more memory than is available to read; split it", name) from None
    except Exception as exc:  # the last guard: no library traceback reaches the user
        raise CorruptFile(f"could not be read ({type(exc).__name__}); re-export or "
                          "re-download it", name) from None


def _check_extractor(extractor: str) -> None:
    if extractor not in EXTRACTORS:
        from ..errors import SettingsError

        raise SettingsError(f"unknown extractor {extractor!r}; use one of {', '.join(EXTRACTORS)}")


def extract_bytes(data: bytes, name: str, *, extractor: str = "layout",
                  max_pages: int = DEFAULT_MAX_PAGES, max_bytes: int = DEFAULT_MAX_BYTES,
                  display_name: Optional[str] = None) -> Document:
    """Read a tender held in memory (stdin, a download, a ZIP member).

    name (str): the file's name; its suffix helps pick the reader when the bytes do not say
        (plain text, HTML). Use "-" for stdin.
    extractor (str): "layout" (ruled tables found with pdfplumber on the pages that draw
        ruling lines, PDFium's text elsewhere) or "fast" (PDFium throughout, no ruled-table
        detection; for batch audits).
    max_pages, max_bytes (int): limits past which TooLarge is raised.
    display_name (str | None): the name to record in blocks and messages instead of `name`.
    RETURNS (Document): blocks with page, kind and offsets; `errors` lists non-fatal problems
        (ZIP members that could not be read, scanned pages).
    RAISES: ExtractionError subclasses (EmptyFile, CorruptFile, EncryptedPDF, NoTextLayer,
        UnsupportedType, UnsafeArchive, TooLarge), each with a one-line message.
    """
    _check_extractor(extractor)
    label = display_name or name
    extracted = _read(data, label, ReadOptions(extractor, max_pages, max_bytes), type_name=name)
    return assemble(label, extracted, hashlib.sha256(data).hexdigest())


def extract(path: Union[str, Path], *, extractor: str = "layout", max_pages: int = DEFAULT_MAX_PAGES,
            max_bytes: int = DEFAULT_MAX_BYTES, display_name: Optional[str] = None) -> Document:
    """Read a tender file (PDF, DOCX, HTML, text or a ZIP pack of them) into a `Document`.

    display_name (str | None): the name to record instead of `path` (e.g. a URL it came from).
    See `extract_bytes` for the rest.
    """
    _check_extractor(extractor)
    path = Path(path)
    name = display_name or str(path)
    try:
        if path.is_dir():
            raise ExtractionError("is a folder; pass the files in it (or a ZIP of them)", name)
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLarge(f"is {size} bytes, over the {max_bytes}-byte limit; split it or "
                           "raise --max-bytes", name)
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExtractionError("file not found; check the path", name) from None
    except PermissionError:
        raise ExtractionError("cannot be read (permission denied); check the file's permissions", name) from None
    except OSError as exc:
        raise ExtractionError(f"cannot be read ({exc.strerror or type(exc).__name__}); check the path", name) from None
    return extract_bytes(data, str(path), extractor=extractor, max_pages=max_pages,
                         max_bytes=max_bytes, display_name=name)


__all__ = ["SUPPORTED_SUFFIXES", "READERS", "detect_type", "extract", "extract_bytes"]
