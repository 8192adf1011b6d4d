"""Reading OCDS: package shapes, merging releases, and matching documents to local files."""
from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest

from barrier_scan.audit.ocds import OCDSError, looks_like_ocds, read_notices


def release(ocid: str = "ocds-x-1", date: str = "2024-03-01T09:00:00Z", tag=("tender",),
            **tender) -> dict:
    base = {"id": "T-1", "title": "Grounds maintenance",
            "value": {"amount": 250000, "currency": "GBP"},
            "procurementMethod": "open", "procurementMethodDetails": "Open procedure",
            "tenderPeriod": {"endDate": "2024-04-05T12:00:00Z"}}
    base.update(tender)
    return {"ocid": ocid, "id": f"{ocid}-{date[:10]}", "date": date, "tag": list(tag),
            "buyer": {"name": "Northfield Borough Council"}, "tender": base}


def write(path, obj) -> str:
    path.write_text(json.dumps(obj), encoding="utf-8")
    return str(path)


SHAPES = {
    "release package": lambda: {"releases": [release()]},
    "single release": lambda: release(),
    "record package, compiled": lambda: {"records": [{"ocid": "ocds-x-1",
                                                      "compiledRelease": release()}]},
    "record package, releases only": lambda: {"records": [{"ocid": "ocds-x-1",
                                                           "releases": [release()]}]},
    "record package, a linked release beside an embedded one": lambda: {"records": [{
        "ocid": "ocds-x-1", "releases": [
            {"url": "https://x.example/r/2.json", "date": "2024-09-01T00:00:00Z",
             "tag": ["award"]},
            release()]}]},
}


@pytest.mark.parametrize("shape", SHAPES)
def test_each_package_shape_gives_the_same_notice(tmp_path, shape):
    [notice] = read_notices(write(tmp_path / "data.json", SHAPES[shape]()))
    assert (notice.ocid, notice.title, notice.authority) == (
        "ocds-x-1", "Grounds maintenance", "Northfield Borough Council")
    assert (notice.value, notice.currency, notice.response_days) == (250000.0, "GBP", 35)
    assert notice.key.endswith("data.json#ocds-x-1")


def test_json_lines_of_releases_and_packages(tmp_path):
    lines = [json.dumps(release("ocds-a")), json.dumps({"releases": [release("ocds-b")]}), ""]
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert [n.ocid for n in read_notices(path)] == ["ocds-a", "ocds-b"]


def test_gzipped_json_lines(tmp_path):
    path = tmp_path / "data.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(release("ocds-gz")) + "\n")
    assert looks_like_ocds(path)
    assert [n.ocid for n in read_notices(path)] == ["ocds-gz"]


def test_later_releases_update_earlier_ones_and_keep_the_publication_date(tmp_path):
    first = release(date="2024-03-01T09:00:00Z")
    amendment = release(date="2024-03-20T09:00:00Z", tag=("tenderAmendment",),
                        tenderPeriod={"endDate": "2024-04-19T12:00:00Z"})
    [notice] = read_notices(write(tmp_path / "d.json", {"releases": [amendment, first]}))
    assert notice.published == dt.datetime(2024, 3, 1, 9, tzinfo=dt.timezone.utc)
    assert notice.response_days == 49
    assert notice.fields["date"] == '"2024-03-01T09:00:00Z"'


def test_fields_keep_the_exact_json_text(tmp_path):
    [notice] = read_notices(write(tmp_path / "d.json", release()))
    assert notice.fields["tender.value.amount"] == "250000"
    assert notice.fields["tender.procurementMethodDetails"] == '"Open procedure"'
    assert notice.evidence("tender.value.amount", "tender.nothing") == "tender.value.amount: 250000"


@pytest.mark.parametrize("text, message", [
    ("{not json", "is not valid JSON"),
    (json.dumps({"uri": "x", "publisher": {}}), "holds no OCDS releases"),
])
def test_bad_ocds_files_raise_one_line_errors(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OCDSError, match=message) as err:
        read_notices(path)
    assert str(path) in str(err.value)


def test_a_bad_json_line_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(release()) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(OCDSError, match="line 2 is not valid JSON"):
        read_notices(path)


# -- documents[].url -> local files ---------------------------------------------------------------
@pytest.fixture
def data_dir(tmp_path):
    (tmp_path / "ocds-x-1").mkdir()
    (tmp_path / "ocds-x-1" / "itt.pdf").write_bytes(b"%PDF itt")
    (tmp_path / "ocds-x-2").mkdir()
    (tmp_path / "ocds-x-2" / "itt.pdf").write_bytes(b"%PDF other itt")
    (tmp_path / "docs" / "lot2").mkdir(parents=True)
    (tmp_path / "docs" / "lot2" / "spec.pdf").write_bytes(b"%PDF spec")
    (tmp_path / "unique-notice.pdf").write_bytes(b"%PDF notice")
    (tmp_path.parent / "outside.pdf").write_bytes(b"%PDF outside")
    return tmp_path


URLS = [
    ("relative path", "docs/lot2/spec.pdf", "docs/lot2/spec.pdf"),
    ("web URL whose path tail exists", "https://portal.example/files/docs/lot2/spec.pdf",
     "docs/lot2/spec.pdf"),
    ("unique file name", "https://portal.example/download/unique-notice.pdf", "unique-notice.pdf"),
    ("same name twice: the ocid folder wins", "https://portal.example/a/itt.pdf",
     "ocds-x-1/itt.pdf"),
    ("percent-encoded", "https://portal.example/x/unique%2Dnotice.pdf", "unique-notice.pdf"),
    ("not on disk", "https://portal.example/x/missing.pdf", None),
    ("relative path escaping the folder", "../outside.pdf", None),
]


@pytest.mark.parametrize("case, url, expected", URLS, ids=[u[0] for u in URLS])
def test_document_urls_are_matched_beside_the_data_file(data_dir, case, url, expected):
    rel = release(documents=[{"id": "1", "url": url, "title": "doc"}])
    [notice] = read_notices(write(data_dir / "data.json", rel))
    found = notice.documents[0].local_path
    assert (found.relative_to(data_dir).as_posix() if found else None) == expected


def test_file_urls_are_used_as_they_are(data_dir):
    target = data_dir / "docs" / "lot2" / "spec.pdf"
    rel = release(documents=[{"id": "1", "url": target.as_uri()}])
    [notice] = read_notices(write(data_dir / "data.json", rel))
    assert notice.documents[0].local_path == target


def test_an_extra_documents_folder_is_searched(tmp_path):
    elsewhere = tmp_path / "downloads"
    elsewhere.mkdir()
    (elsewhere / "pricing.pdf").write_bytes(b"%PDF")
    data = tmp_path / "data"
    data.mkdir()
    rel = release(documents=[{"id": "1", "url": "https://x.example/pricing.pdf"}])
    [notice] = read_notices(write(data / "d.json", rel), documents_dirs=[elsewhere])
    assert notice.documents[0].local_path == elsewhere / "pricing.pdf"
