"""Discovery: folders, ZIP packs and OCDS data into work items, each document once."""
from __future__ import annotations

import json

import pytest

from barrier_scan.audit.discover import AuditInputError, discover


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "itt.pdf").write_bytes(b"%PDF-1.7 itt")
    (tmp_path / "a" / "deep").mkdir()
    (tmp_path / "a" / "deep" / "spec.docx").write_bytes(b"PK docx")
    (tmp_path / "a" / "pack.zip").write_bytes(b"PK zip")
    (tmp_path / "a" / "notes.xyz").write_bytes(b"?")
    (tmp_path / "a" / "config.json").write_text('{"colour": "blue"}')
    (tmp_path / "a" / ".hidden").mkdir()
    (tmp_path / "a" / ".hidden" / "secret.pdf").write_bytes(b"%PDF")
    (tmp_path / "a" / "lot2.pdf").write_bytes(b"%PDF-1.7 lot 2 spec")
    release = {
        "ocid": "ocds-d-1", "date": "2024-05-01T10:00:00Z", "tag": ["tender"],
        "buyer": {"name": "Eastmoor County Council"},
        "tender": {"id": "EC-9", "title": "Highways", "value": {"amount": 900000, "currency": "GBP"},
                   "lots": [{"id": "1", "value": {"amount": 300000, "currency": "GBP"}},
                            {"id": "2", "value": {"amount": 600000, "currency": "GBP"}}],
                   "documents": [{"id": "d1", "url": "https://x.example/a/itt.pdf"},
                                 {"id": "d2", "url": "https://x.example/lot2.pdf",
                                  "relatedLots": ["2"]},
                                 {"id": "d3", "url": "https://x.example/gone.pdf"}]}}
    (tmp_path / "a" / "notices.json").write_text(json.dumps({"releases": [release]}))
    return tmp_path


def test_a_folder_is_walked_recursively_in_a_stable_order(tree):
    found = discover([tree / "a"])
    names = [i.path.relative_to(tree).as_posix() for i in found.items]
    # OCDS-listed documents first, then the rest of the walk, each once
    assert names == ["a/itt.pdf", "a/lot2.pdf", "a/pack.zip", "a/deep/spec.docx"]
    assert sorted(p.split("/")[-1] for p in found.ignored) == ["config.json", "notes.xyz"]
    assert [n.ocid for n in found.notices] == ["ocds-d-1"]
    assert [d.url for _, d in found.missing] == ["https://x.example/gone.pdf"]


def test_listed_documents_carry_the_notice_settings(tree):
    items = {i.path.name: i for i in discover([tree / "a"]).items}
    itt = items["itt.pdf"].overrides()
    assert (itt["value"], itt["currency"], itt["value_source"]) == (900000.0, "GBP", "ocds")
    assert itt["procurement_date"] == "2024-05-01"
    assert itt["metadata"]["ocid"] == "ocds-d-1"
    assert itt["metadata"]["authority"] == "Eastmoor County Council"
    # a document for one lot is judged against that lot's value
    assert items["lot2.pdf"].overrides()["value"] == 600000.0
    assert items["spec.docx"].overrides() == {}


def test_a_file_named_twice_is_audited_once(tree):
    found = discover([tree / "a", tree / "a" / "itt.pdf"])
    assert [i.path.name for i in found.items].count("itt.pdf") == 1


def test_an_explicit_file_of_any_type_is_audited(tree):
    found = discover([tree / "a" / "notes.xyz"])
    assert [i.path.name for i in found.items] == ["notes.xyz"]


def test_a_broken_ocds_file_is_reported_not_raised(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"releases": [ {"ocid": ')
    found = discover([bad])
    assert [f.error.kind for f in found.ocds_failures] == ["ocds-invalid"]


def test_excluded_files_are_skipped(tree):
    found = discover([tree / "a"], exclude=[tree / "a" / "pack.zip"])
    assert "pack.zip" not in [i.path.name for i in found.items]


def test_a_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(AuditInputError, match="no such file or directory") as err:
        discover([tmp_path / "nope"])
    assert "nope" in str(err.value)
