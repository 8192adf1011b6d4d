"""HTML via BeautifulSoup + lxml: headings, paragraphs, list items and table rows in order.

Navigation, scripts, styles and forms are dropped. Text that sits directly in a container
(a <div> with no <p>) becomes a paragraph of its own, split at the container's block children.
Ordered-list items get the number the browser would show.
"""
from __future__ import annotations

from typing import Any, Optional

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from ..errors import CorruptFile, EmptyFile
from ..model import BlockKind
from .blocks import Draft, Extracted, one_line

# Elements whose content is never tender text.
DROPPED = frozenset({"script", "style", "nav", "noscript", "template", "head", "form", "button",
                     "select", "svg", "iframe", "object", "canvas"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Inline elements: their text continues the surrounding paragraph.
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font",
                    "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub",
                    "sup", "time", "u", "var", "wbr", "del", "ins", "label", "acronym", "big",
                    "tt", "strike"})


class _Walker:
    def __init__(self) -> None:
        self.drafts: list[Draft] = []

    def emit(self, text: str, kind: BlockKind) -> None:
        text = one_line(text)
        if text:
            self.drafts.append(Draft(text, 1, kind))

    def walk(self, el: Tag, kind: BlockKind = "para", prefix: str = "") -> None:
        """Emit the blocks inside `el`; loose inline text becomes `kind` blocks.

        `prefix` (an ordered list's "3. ") goes in front of the first block emitted.
        """
        buffer: list[str] = []
        pending = prefix

        def flush() -> None:
            nonlocal buffer, pending
            text = "".join(buffer)
            buffer = []
            if text.strip():
                self.emit(pending + text, kind)
                pending = ""

        for child in el.children:
            if isinstance(child, PreformattedString):  # comments, doctype, CDATA
                continue
            if isinstance(child, NavigableString):
                buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower() if child.name else ""
            if name in DROPPED:
                continue
            if name == "br":
                buffer.append(" ")
            elif name in INLINE:
                buffer.append(child.get_text(" "))
            else:
                flush()
                self.block(child, name, kind, pending)
                pending = ""
        flush()

    def block(self, el: Tag, name: str, kind: BlockKind, prefix: str = "") -> None:
        if name in HEADINGS:
            self.emit(prefix + el.get_text(" "), "heading")
        elif name == "table":
            self.table(el)
        elif name in ("ul", "ol", "menu"):
            self.list(el, ordered=name == "ol")
        elif name == "li":
            self.walk(el, "list_item", prefix)
        elif name in ("p", "dd", "dt", "blockquote", "pre", "figcaption", "caption", "address"):
            self.walk(el, kind if kind == "list_item" else "para", prefix)
        else:
            self.walk(el, kind, prefix)

    def list(self, el: Tag, ordered: bool) -> None:
        number = _int(el.get("start"), 1)
        for li in el.find_all("li", recursive=False):
            prefix = ""
            if ordered:
                number = _int(li.get("value"), number)
                prefix = f"{number}. "
                number += 1
            self.walk(li, "list_item", prefix)
        for other in el.find_all(recursive=False):
            if other.name != "li":
                self.block(other, other.name.lower(), "list_item")

    def table(self, el: Tag) -> None:
        for tr in el.find_all("tr"):
            if tr.find_parent("table") is not el:
                continue  # nested tables are read as part of their cell's text
            cells = [one_line(td.get_text(" ")) for td in tr.find_all(["td", "th"], recursive=False)]
            if any(cells):
                self.emit(" | ".join(cells), "table_row")
        caption = el.find("caption", recursive=False)
        if caption is not None:
            self.emit(caption.get_text(" "), "para")


def _int(value: Any, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _title(soup: BeautifulSoup) -> Optional[str]:
    title = soup.find("title")
    text = one_line(title.get_text(" ")) if title is not None else ""
    return text or None


def extract_html(text: str, name: str) -> Extracted:
    """Blocks of an HTML page (already decoded to text)."""
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception:  # lxml rarely fails, but a parser error must not become a traceback
        raise CorruptFile("not a readable HTML page; save it again from the browser", name) from None
    metadata: dict[str, Any] = {}
    title = _title(soup)
    if title:
        metadata["title"] = title
    for meta in soup.find_all("meta"):
        if str(meta.get("name", "")).lower() == "author" and meta.get("content"):
            metadata["author"] = str(meta["content"])
    root = soup.body or soup
    walker = _Walker()
    walker.walk(root)
    if not walker.drafts:
        raise EmptyFile("is an HTML page with no text; check it is the tender page itself", name)
    return Extracted(drafts=walker.drafts, pages=1, metadata=metadata)
