"""ZIP tender packs: every supported member read in turn, each block named
"pack.zip!folder/ITT.pdf".

Nothing is written to disk, but members whose path would escape an extraction folder are
still refused (UnsafeArchive): a pack built like that is hostile or broken, and a person told
to unzip it should know. A member that cannot be read becomes an entry in `Document.errors`
naming it, and the other members carry on. Zip bombs are bounded by reading at most the
byte budget in total, whatever the headers claim, and by a cap on the member count.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Callable

from ..errors import (CorruptFile, EmptyFile, EncryptedFile, EncryptedPDF, ExtractionError, NoTextLayer,
                      TooLarge, UnsafeArchive, UnsupportedType)
from ..model import ScanError
from .blocks import Draft, Extracted

# More members than this is not a tender pack (and is a cheap way to stall a batch).
MAX_MEMBERS = 1000
# ZIPs inside the pack are opened; ZIPs inside those are not.
MAX_NESTING = 1
# Files that archivers add and nobody means to submit.
_JUNK = re.compile(r"(^|/)(__MACOSX/|\._|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:")

# Which member failure best explains a pack that gave no text at all (first wins).
_ERROR_PRIORITY: tuple[type[ExtractionError], ...] = (
    EncryptedPDF, NoTextLayer, CorruptFile, TooLarge, EmptyFile, UnsafeArchive, UnsupportedType,
)

MemberReader = Callable[[bytes, str, int, int], Extracted]
"""(data, label, depth, max_pages) -> Extracted; raises ExtractionError."""


def is_unsafe_member(name: str) -> bool:
    """Absolute paths, drive letters and ".." segments escape the folder a pack unzips into."""
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(_DRIVE.match(path)) or ".." in path.split("/")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """At most `limit` bytes of a member; one byte more means it is over the budget."""
    with zf.open(info) as handle:
        return handle.read(limit + 1)


def _most_relevant(failures: list[ExtractionError]) -> ExtractionError:
    for kind in _ERROR_PRIORITY:
        for failure in failures:
            if isinstance(failure, kind):
                return failure
    return failures[0]


def extract_zip(data: bytes, name: str, *, read_member: MemberReader, max_bytes: int,
                max_pages: int, depth: int = 0, supported: tuple[str, ...] = ()) -> Extracted:
    """Blocks of every supported member of a ZIP pack, member after member."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise CorruptFile("not a readable ZIP archive (truncated or corrupt); re-download it", name) from None
    if len(infos) > MAX_MEMBERS:
        raise TooLarge(f"holds {len(infos)} files, over the limit of {MAX_MEMBERS}; "
                       "unpack it and scan the tender documents themselves", name)

    drafts: list[Draft] = []
    errors: list[ScanError] = []
    failures: list[ExtractionError] = []
    members: list[str] = []
    pages = 0
    budget = max_bytes

    def fail(exc: ExtractionError) -> None:
        failures.append(exc)
        errors.append(ScanError(exc.file or name, exc.kind, exc.message))

    for info in infos:
        member = info.filename
        label = f"{name}!{member}"
        if _JUNK.search(member.replace("\\", "/")):
            continue
        if is_unsafe_member(member):
            fail(UnsafeArchive("path escapes the archive folder; refused (the pack may be "
                               "hostile): ask the buyer for a clean pack", label))
            continue
        lower = member.lower()
        if supported and not lower.endswith(supported):
            fail(UnsupportedType("not a supported type; skipped (barrier-scan reads "
                                 + ", ".join(supported) + ")", label))
            continue
        if lower.endswith(".zip") and depth >= MAX_NESTING:
            fail(UnsupportedType("a ZIP inside a ZIP inside the pack; unpack it and scan it "
                                 "separately", label))
            continue
        if info.flag_bits & 0x1:
            fail(EncryptedFile("is password-protected inside the ZIP; ask for an unprotected "
                              "pack or unzip it with the password", label))
            continue
        if info.file_size > budget:
            fail(TooLarge(f"unpacks to {info.file_size} bytes, over what is left of the "
                          f"{max_bytes}-byte limit; unpack it and scan files separately", label))
            continue
        try:
            blob = _read_member(zf, info, budget)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
            fail(CorruptFile("cannot be unpacked (corrupt, or an unsupported compression "
                             "method); re-zip the pack or unpack it yourself", label))
            continue
        except Exception:  # zlib.error and friends: the member is damaged
            fail(CorruptFile("cannot be unpacked (corrupt); re-download the pack", label))
            continue
        if len(blob) > budget:
            fail(TooLarge(f"the pack unpacks to more than the {max_bytes}-byte limit (a zip "
                          "bomb?); unpack it and scan files separately", label))
            break
        budget -= len(blob)
        try:
            member_result = read_member(blob, label, depth + 1, max(max_pages - pages, 1))
        except ExtractionError as exc:
            if exc.file is None:
                exc.file = label
            fail(exc)
            continue
        members.append(label)
        pages += member_result.pages
        for d in member_result.drafts:
            drafts.append(d if d.file else Draft(d.text, d.page, d.kind, label))
        errors.extend(member_result.errors)
        if pages > max_pages:
            fail(TooLarge(f"the pack has more than {max_pages} pages; later files were not "
                          "read: split it or raise --max-pages", name))
            break
    zf.close()

    if not drafts:
        if failures:
            raise _most_relevant(failures)
        raise EmptyFile("is a ZIP archive with no files in it; check the download", name)
    return Extracted(drafts=drafts, pages=pages, metadata={"members": members}, errors=errors)

