"""Read OCDS data: release or record packages, JSON or JSON Lines, into `Notice`s.

What an audit needs from a notice is small: who, what, how much, which procedure, the dates
and the documents. Each value keeps the exact field text it came from (`Notice.fields`), so a
notice-level finding can quote its evidence the way a text finding quotes its clause.

Accepted inputs (each may be gzip-compressed, `.gz`):
- a release package `{"releases": [...]}` or a record package `{"records": [...]}`;
- a single release or record object;
- JSON Lines where every line is one of the above.
Several releases with the same ocid are merged oldest first (later values win), an
approximation of OCDS compiling that is enough for tender-stage fields. A record's
`compiledRelease` is used when present.

Documents are matched to local files by `documents[].url`: a relative path or `file://` URL
is resolved beside the data file; for web URLs the longest trailing part of the URL path that
exists under the data file's folder (or an extra documents folder) is used, then a unique file
with the same name anywhere below, preferring one in a folder named after the ocid.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence
from urllib.parse import unquote, urlparse

from ..errors import BarrierScanError

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
# Sniffing a .json file: an OCDS file names one of these keys near its start.
OCDS_MARKERS = (b'"releases"', b'"records"', b'"ocid"')
SNIFF_BYTES = 64 * 1024
# Folders below the data file searched for documents by name; deeper trees need --documents-dir.
MAX_INDEX_FILES = 200_000


class OCDSError(BarrierScanError):
    kind = "ocds-invalid"


@dataclass(frozen=True)
class Lot:
    id: str
    title: str = ""
    value: Optional[float] = None
    currency: Optional[str] = None


@dataclass(frozen=True)
class NoticeDocument:
    """One `documents[]` entry and the local file it was matched to (None: not found)."""

    id: str
    url: str
    title: str = ""
    document_type: str = ""
    related_lots: tuple[str, ...] = ()
    local_path: Optional[Path] = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "title": self.title,
                "documentType": self.document_type, "relatedLots": list(self.related_lots),
                "local_path": str(self.local_path) if self.local_path else None}


@dataclass(frozen=True)
class Notice:
    """The tender-stage facts of one contracting process (one ocid) in one OCDS file."""

    source: str  # the OCDS file, as given
    ocid: str
    release_id: str = ""
    notice_id: str = ""  # tender.id
    authority: str = ""
    title: str = ""
    value: Optional[float] = None
    currency: Optional[str] = None
    procurement_method: str = ""  # open | selective | limited | direct
    procurement_method_details: str = ""
    main_category: str = ""  # goods | works | services
    published: Optional[dt.datetime] = None
    tender_start: Optional[dt.datetime] = None
    tender_end: Optional[dt.datetime] = None
    contract_start: Optional[dt.datetime] = None
    contract_end: Optional[dt.datetime] = None  # maxExtentDate when given, else endDate
    contract_end_includes_extensions: bool = False
    contract_duration_days: Optional[float] = None
    is_framework: Optional[bool] = None
    framework_type: str = ""  # "open" for PA 2023 s.49 open frameworks
    framework_rationale: str = ""
    above_threshold: Optional[bool] = None
    submission_methods: tuple[str, ...] = ()
    lots: tuple[Lot, ...] = ()
    documents: tuple[NoticeDocument, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)  # dotted path -> exact JSON text
    content_sha256: str = ""

    @property
    def key(self) -> str:
        """How findings name the notice: the OCDS file, '#', the ocid."""
        return f"{self.source}#{self.ocid}"

    @property
    def term_years(self) -> Optional[float]:
        if self.contract_start and self.contract_end:
            return (self.contract_end - self.contract_start).days / 365.25
        if self.contract_duration_days:
            return self.contract_duration_days / 365.25
        return None

    @property
    def response_days(self) -> Optional[int]:
        """Calendar days from publication to the deadline (PCR: from dispatch; PA: the
        period starts the day after, s.54(5), which gives the same count)."""
        if self.published and self.tender_end:
            return (self.tender_end.date() - self.published.date()).days
        return None

    def evidence(self, *paths: str) -> str:
        """The exact OCDS field text of `paths` (those present), one per line."""
        return "\n".join(f"{p}: {self.fields[p]}" for p in paths if p in self.fields)

    def metadata(self) -> dict[str, Any]:
        """What a document scanned for this notice carries in `DocumentResult.metadata`."""
        meta: dict[str, Any] = {"ocid": self.ocid, "ocds_file": self.source}
        for name in ("notice_id", "authority", "title", "procurement_method_details",
                     "main_category"):
            if getattr(self, name):
                meta[name] = getattr(self, name)
        if self.published:
            meta["published"] = self.published.isoformat()
        if self.tender_end:
            meta["tender_end"] = self.tender_end.isoformat()
        if self.term_years is not None:
            meta["term_years"] = round(self.term_years, 2)
        if self.lots:
            meta["lots"] = len(self.lots)
        return meta

    def columns(self) -> dict[str, Any]:
        """The typed `notices` columns of the audit store."""
        return {
            "release_id": self.release_id or None, "notice_id": self.notice_id or None,
            "authority": self.authority or None, "title": self.title or None,
            "value_amount": self.value, "value_currency": self.currency,
            "procurement_method": self.procurement_method or None,
            "procurement_method_details": self.procurement_method_details or None,
            "main_category": self.main_category or None,
            "published": _iso(self.published), "tender_end": _iso(self.tender_end),
            "response_days": self.response_days, "contract_start": _iso(self.contract_start),
            "contract_end": _iso(self.contract_end),
            "term_years": round(self.term_years, 3) if self.term_years is not None else None,
            "is_framework": self.is_framework, "n_lots": len(self.lots),
            "above_threshold": self.above_threshold,
        }

    def to_dict(self) -> dict[str, Any]:
        d = self.columns()
        d.update(source=self.source, ocid=self.ocid, fields=dict(self.fields),
                 lots=[{"id": lot.id, "title": lot.title, "value": lot.value,
                        "currency": lot.currency} for lot in self.lots],
                 documents=[doc.to_dict() for doc in self.documents],
                 submission_methods=list(self.submission_methods),
                 framework_type=self.framework_type or None,
                 framework_rationale=self.framework_rationale or None)
        return d


# -- reading files ---------------------------------------------------------------------------
def looks_like_ocds(path: Path) -> bool:
    """A cheap sniff for directory walks: JSON whose first 64 KB name an OCDS key."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if not (name.endswith(".json") or name.endswith(JSONL_SUFFIXES)):
        return False
    try:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except (OSError, EOFError):
        return False
    return any(m in head for m in OCDS_MARKERS)


def read_notices(path: os.PathLike[str] | str, *, display: Optional[str] = None,
                 documents_dirs: Sequence[Path] = ()) -> list[Notice]:
    """Every contracting process in the OCDS file at `path`, with documents matched locally.

    Raises OCDSError (naming the file and the line for JSON Lines) when the file is not
    valid JSON or holds no releases or records.
    """
    p = Path(path)
    shown = display or str(path)
    releases_by_ocid: dict[str, list[Mapping[str, Any]]] = {}
    for obj in _objects(p, shown):
        for ocid, release in _releases_in(obj):
            releases_by_ocid.setdefault(ocid, []).append(release)
    if not releases_by_ocid:
        raise OCDSError("holds no OCDS releases or records (expected \"releases\", \"records\" "
                        "or an object with an \"ocid\")", shown)
    finder = DocumentFinder([p.parent, *documents_dirs])
    notices = []
    for ocid in sorted(releases_by_ocid):
        release = merge_releases(releases_by_ocid[ocid])
        notices.append(notice_from_release(release, source=shown, finder=finder))
    return notices


def _open_text(p: Path) -> Any:
    if p.name.lower().endswith(".gz"):
        return gzip.open(p, "rt", encoding="utf-8")
    return open(p, encoding="utf-8")


def _objects(p: Path, shown: str) -> Iterator[Any]:
    base = p.name.lower()[:-3] if p.name.lower().endswith(".gz") else p.name.lower()
    try:
        with _open_text(p) as fh:
            if base.endswith(JSONL_SUFFIXES):
                for n, line in enumerate(fh, 1):
                    if line.strip():
                        try:
                            yield json.loads(line)
                        except json.JSONDecodeError as exc:
                            raise OCDSError(f"line {n} is not valid JSON ({exc.msg}); fix or "
                                            "remove that line", shown) from exc
                return
            text = fh.read()
    except UnicodeDecodeError as exc:
        raise OCDSError("is not UTF-8 text; OCDS files must be UTF-8", shown) from exc
    except (OSError, EOFError) as exc:
        raise OCDSError(f"cannot be read ({exc})", shown) from exc
    try:
        yield json.loads(text)
    except json.JSONDecodeError as exc:
        # a .json file that is really JSON Lines
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) > 1:
            try:
                yield from (json.loads(ln) for ln in lines)
                return
            except json.JSONDecodeError:
                pass
        raise OCDSError(f"is not valid JSON (line {exc.lineno}: {exc.msg})", shown) from exc


def _releases_in(obj: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(obj, list):
        for item in obj:
            yield from _releases_in(item)
        return
    if not isinstance(obj, dict):
        return
    if isinstance(obj.get("releases"), list) and "ocid" not in obj:  # release package
        for rel in obj["releases"]:
            if isinstance(rel, dict) and rel.get("ocid"):
                yield str(rel["ocid"]), rel
        return
    if isinstance(obj.get("records"), list):  # record package
        for rec in obj["records"]:
            yield from _releases_in(rec)
        return
    if obj.get("ocid") and ("compiledRelease" in obj or "releases" in obj):  # record
        compiled = obj.get("compiledRelease")
        if isinstance(compiled, dict):
            yield str(obj["ocid"]), compiled
        else:
            for rel in obj.get("releases") or []:
                # embedded releases carry their ocid; linked ones are only {url, date, tag}
                if isinstance(rel, dict) and rel.get("ocid"):
                    yield str(obj["ocid"]), rel
        return
    if obj.get("ocid"):  # a single release
        yield str(obj["ocid"]), obj


def merge_releases(releases: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Releases of one ocid merged oldest first; objects merge, arrays and values replace."""
    ordered = sorted(releases, key=lambda r: str(r.get("date") or ""))
    merged: dict[str, Any] = {}
    for rel in ordered:
        _deep_merge(merged, rel)
    if len(ordered) > 1:
        merged["_releaseDates"] = [str(r.get("date") or "") for r in ordered]
        merged["_releaseTags"] = [list(r.get("tag") or []) for r in ordered]
    return merged


def _deep_merge(into: dict[str, Any], new: Mapping[str, Any]) -> None:
    for k, v in new.items():
        if v is None:
            continue
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _deep_merge(into[k], v)
        else:
            into[k] = v


# -- mapping a release to a Notice -----------------------------------------------------------
class _Fields:
    """Reads dotted paths from a release and remembers the exact JSON text of each."""

    def __init__(self, release: Mapping[str, Any]) -> None:
        self.release = release
        self.used: dict[str, str] = {}

    def get(self, path: str, default: Any = None) -> Any:
        cur: Any = self.release
        for part in path.split("."):
            if isinstance(cur, dict) and part in cur:
                cur = cur[part]
            elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
                cur = cur[int(part)]
            else:
                return default
        if cur is None or cur == "" or cur == []:
            return default
        if not isinstance(cur, (dict, list)):
            self.used[path] = json.dumps(cur, ensure_ascii=False)
        return cur

    def text(self, path: str) -> str:
        v = self.get(path)
        return str(v).strip() if isinstance(v, (str, int, float)) else ""

    def date(self, path: str) -> Optional[dt.datetime]:
        v = self.get(path)
        if not isinstance(v, str):
            return None
        parsed = parse_datetime(v)
        if parsed is None:
            self.used.pop(path, None)
        return parsed

    def number(self, path: str) -> Optional[float]:
        v = self.get(path)
        if isinstance(v, bool):
            return None
        if isinstance(v, (int, float)):
            return float(v)
        if isinstance(v, str):
            try:
                return float(v.replace(",", ""))
            except ValueError:
                self.used.pop(path, None)
        return None


def parse_datetime(value: str) -> Optional[dt.datetime]:
    """ISO 8601 date or date-time, with or without zone; None when unreadable."""
    s = value.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    try:
        return dt.datetime.fromisoformat(s)
    except ValueError:
        pass
    try:
        return dt.datetime.combine(dt.date.fromisoformat(s[:10]), dt.time())
    except ValueError:
        return None


def _authority(f: _Fields, release: Mapping[str, Any]) -> str:
    name = f.text("buyer.name") or f.text("tender.procuringEntity.name")
    if name:
        return name
    for i, party in enumerate(release.get("parties") or []):
        if isinstance(party, dict) and "buyer" in (party.get("roles") or []) and party.get("name"):
            return f.text(f"parties.{i}.name") or str(party["name"])
    return ""


def _published(f: _Fields, release: Mapping[str, Any]) -> tuple[Optional[dt.datetime], str]:
    for path in ("tender.datePublished", "tender.tenderPeriod.startDate"):
        d = f.date(path)
        if d:
            return d, path
    # the release date is the publication date only for the release that announced the tender
    tags = release.get("_releaseTags")
    dates = release.get("_releaseDates")
    if tags and dates:
        for tag_list, date in zip(tags, dates):
            if "tender" in tag_list and date:
                d = parse_datetime(date)
                if d:
                    f.used["date"] = json.dumps(date)
                    return d, "date"
    tag = release.get("tag") or []
    if not tags and ("tender" in tag or not tag):
        d = f.date("date")
        if d:
            return d, "date"
    return None, ""


def _lots(f: _Fields, tender: Mapping[str, Any]) -> tuple[Lot, ...]:
    lots = []
    for i, lot in enumerate(tender.get("lots") or []):
        if not isinstance(lot, dict):
            continue
        lots.append(Lot(id=str(lot.get("id", i)), title=str(lot.get("title") or ""),
                        value=f.number(f"tender.lots.{i}.value.amount"),
                        currency=f.text(f"tender.lots.{i}.value.currency") or None))
    if lots:
        f.used["tender.lots"] = json.dumps(
            [{"id": lot.id, "title": lot.title} if lot.title else {"id": lot.id} for lot in lots],
            ensure_ascii=False)
    return tuple(lots)


def _contract_period(f: _Fields, tender: Mapping[str, Any]) -> tuple[
        Optional[dt.datetime], Optional[dt.datetime], bool, Optional[float]]:
    """The longest contract period of the tender and its lots, extensions included."""
    candidates = ["tender.contractPeriod"]
    candidates += [f"tender.lots.{i}.contractPeriod" for i in range(len(tender.get("lots") or []))]
    best: tuple[Optional[dt.datetime], Optional[dt.datetime], bool, Optional[float]] = (
        None, None, False, None)
    best_days = -1.0
    for base in candidates:
        start = f.date(f"{base}.startDate")
        max_extent = f.date(f"{base}.maxExtentDate")
        end = max_extent or f.date(f"{base}.endDate")
        duration = f.number(f"{base}.durationInDays")
        days = (end - start).days if (start and end) else (duration or -1.0)
        if days > best_days:
            best_days = days
            best = (start, end, bool(max_extent), duration)
    return best


def notice_from_release(release: Mapping[str, Any], *, source: str,
                        finder: Optional["DocumentFinder"] = None) -> Notice:
    """Map one (merged or compiled) release to a Notice."""
    f = _Fields(release)
    raw_tender = release.get("tender")
    tender: Mapping[str, Any] = raw_tender if isinstance(raw_tender, dict) else {}
    ocid = str(release.get("ocid") or "")
    published, _ = _published(f, release)
    start, end, with_ext, duration = _contract_period(f, tender)
    raw_techniques = tender.get("techniques")
    techniques: Mapping[str, Any] = raw_techniques if isinstance(raw_techniques, dict) else {}
    is_framework = f.get("tender.techniques.hasFrameworkAgreement")
    if not isinstance(is_framework, bool):
        is_framework = True if techniques.get("frameworkAgreement") else None
    details = f.text("tender.procurementMethodDetails")
    if is_framework is None and "framework" in (details + " " + f.text("tender.title")).lower():
        is_framework = True
    methods = tender.get("submissionMethod") or []
    above = f.get("tender.aboveThreshold")
    docs = []
    for i, d in enumerate(tender.get("documents") or []):
        if not isinstance(d, dict) or not d.get("url"):
            continue
        url = str(d["url"])
        docs.append(NoticeDocument(
            id=str(d.get("id", i)), url=url, title=str(d.get("title") or ""),
            document_type=str(d.get("documentType") or ""),
            related_lots=tuple(str(x) for x in d.get("relatedLots") or ()),
            local_path=finder.find(url, ocid) if finder else None))
    canonical = json.dumps(release, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return Notice(
        source=source, ocid=ocid, release_id=str(release.get("id") or ""),
        notice_id=f.text("tender.id"), authority=_authority(f, release),
        title=f.text("tender.title"), value=f.number("tender.value.amount"),
        currency=(f.text("tender.value.currency") or None),
        procurement_method=f.text("tender.procurementMethod"),
        procurement_method_details=details, main_category=f.text("tender.mainProcurementCategory"),
        published=published, tender_start=f.date("tender.tenderPeriod.startDate"),
        tender_end=f.date("tender.tenderPeriod.endDate"), contract_start=start,
        contract_end=end, contract_end_includes_extensions=with_ext,
        contract_duration_days=duration, is_framework=is_framework,
        framework_type=f.text("tender.techniques.frameworkAgreement.type").lower(),
        framework_rationale=f.text("tender.techniques.frameworkAgreement.periodRationale"),
        above_threshold=above if isinstance(above, bool) else None,
        submission_methods=tuple(str(m) for m in methods if isinstance(m, str)),
        lots=_lots(f, tender), documents=tuple(docs), fields=dict(f.used),
        content_sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest())


def _iso(d: Optional[dt.datetime]) -> Optional[str]:
    return d.isoformat() if d else None


# -- documents[].url -> local file -----------------------------------------------------------
class DocumentFinder:
    """Matches a document URL to a file under the data file's folder (or extra folders)."""

    def __init__(self, roots: Iterable[Path]) -> None:
        self.roots = [r for r in dict.fromkeys(Path(r) for r in roots) if r.is_dir()]
        self._by_name: Optional[dict[str, list[Path]]] = None

    def find(self, url: str, ocid: str = "") -> Optional[Path]:
        parsed = urlparse(url)
        if parsed.scheme == "file":
            p = Path(unquote(parsed.path))
            return p if p.is_file() else None
        if not parsed.scheme and not url.startswith("//"):
            rel = Path(unquote(url))
            if rel.is_absolute():
                return rel if rel.is_file() else None
            for root in self.roots:
                candidate = root / rel
                # a URL in downloaded data must not reach files outside the data folders
                if candidate.is_file() and _inside(candidate, root):
                    return candidate
        parts = [p for p in PurePosixPath(unquote(parsed.path)).parts if p not in ("/", "")]
        # the longest trailing part of the URL path that exists under a root
        for n in range(len(parts), 0, -1):
            tail = Path(*parts[-n:])
            for root in self.roots:
                candidate = root / tail
                if candidate.is_file() and _inside(candidate, root):
                    return candidate
        if not parts:
            return None
        matches = self._index().get(parts[-1], [])
        if len(matches) == 1:
            return matches[0]
        in_ocid_folder = [m for m in matches if ocid and ocid in m.parts]
        if len(in_ocid_folder) == 1:
            return in_ocid_folder[0]
        return None

    def _index(self) -> dict[str, list[Path]]:
        if self._by_name is None:
            self._by_name = {}
            seen = 0
            for root in self.roots:
                for dirpath, dirnames, filenames in os.walk(root):
                    dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                    for name in filenames:
                        self._by_name.setdefault(name, []).append(Path(dirpath) / name)
                        seen += 1
                    if seen > MAX_INDEX_FILES:
                        return self._by_name
        return self._by_name


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
