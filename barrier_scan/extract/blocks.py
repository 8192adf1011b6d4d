"""The common output of every format reader, and how it becomes a `Document`.

Readers return `Extracted` (drafts of blocks with their page and kind); `assemble()` lays the
drafts end to end, one "\\n" apart, so that `Document.text == "\\n".join(b.text for b in
blocks)` and `text[b.start:b.end] == b.text` hold for every block.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional

from ..model import Block, BlockKind, Document, ScanError


class Draft(NamedTuple):
    """A block before it has offsets. `file` is set only by readers of archives."""

    text: str
    page: int
    kind: BlockKind = "para"
    file: Optional[str] = None


@dataclass
class Extracted:
    """What one reader got out of one input."""

    drafts: list[Draft]
    pages: int
    metadata: dict[str, Any] = field(default_factory=dict)
    errors: list[ScanError] = field(default_factory=list)


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces: a block is one line."""
    return " ".join(text.split())  # str.split() splits where regex \s+ matches


def assemble(path: str, extracted: Extracted, sha256: str) -> Document:
    """Give each draft its offsets into the document text and build the `Document`."""
    blocks: list[Block] = []
    pos = 0
    for draft in extracted.drafts:
        text = one_line(draft.text)
        if not text:
            continue
        blocks.append(Block(text=text, file=draft.file or path, page=draft.page,
                            start=pos, end=pos + len(text), kind=draft.kind))
        pos += len(text) + 1  # the "\n" between blocks
    return Document(path=path, blocks=blocks, pages=extracted.pages, sha256=sha256,
                    metadata=dict(extracted.metadata), errors=list(extracted.errors))
