"""HTML extraction: headings, paragraphs, list items (with ordered-list numbers), table rows;
navigation, scripts and styles dropped."""
from __future__ import annotations

from barrier_scan.extract import extract, extract_bytes
from pdfgen import check_offsets

PAGE = """<!DOCTYPE html>
<html><head><title>ITT RBC/2025/044</title><meta name="author" content="Procurement">
<style>p { color: red; }</style><script>var tracking = "do not read me";</script></head>
<body>
<nav><a href="/">Home</a> | <a href="/tenders">Tenders</a></nav>
<h1>Invitation to Tender</h1>
<div class="intro">The Council invites tenders for a <b>community wellbeing</b> service.</div>
<h2>4.2 Economic and Financial Standing</h2>
<p>4.2.1 Bidders must have a minimum annual turnover of &pound;5,000,000
   in each of the last three years.</p>
<ol start="3">
  <li>audited accounts for the last three years;</li>
  <li><p>a bank reference;</p>
      <ul><li>from a UK bank</li></ul></li>
</ol>
<table>
  <tr><th>Selection criterion</th><th>Minimum requirement</th></tr>
  <tr><td>Minimum number of employees</td><td>50 full-time staff</td></tr>
</table>
<footer><p>Contact procurement@example.org</p></footer>
</body></html>"""


def test_html_blocks(tmp_path):
    path = tmp_path / "itt.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = extract(path)
    check_offsets(doc)
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "Invitation to Tender"),
        ("para", "The Council invites tenders for a community wellbeing service."),
        ("heading", "4.2 Economic and Financial Standing"),
        ("para", "4.2.1 Bidders must have a minimum annual turnover of \u00a35,000,000 in each "
                 "of the last three years."),
        ("list_item", "3. audited accounts for the last three years;"),
        ("list_item", "4. a bank reference;"),
        ("list_item", "from a UK bank"),
        ("table_row", "Selection criterion | Minimum requirement"),
        ("table_row", "Minimum number of employees | 50 full-time staff"),
        ("para", "Contact procurement@example.org"),
    ]
    assert {b.page for b in doc.blocks} == {1} and doc.pages == 1
    assert doc.metadata == {"title": "ITT RBC/2025/044", "author": "Procurement"}


def test_html_is_recognised_without_a_suffix():
    doc = extract_bytes(b"<!doctype html><html><body><p>Consortium bids will not be accepted.</p>"
                        b"</body></html>", "-")
    assert [(b.kind, b.text) for b in doc.blocks] == [("para", "Consortium bids will not be accepted.")]
