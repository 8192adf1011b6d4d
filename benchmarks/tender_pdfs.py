"""Generate realistic tender PDFs (and deliberately broken files) from a seed.

A generated tender looks like an invitation to tender from a public authority: a running
header and footer, numbered sections and clauses, selection and award criteria tables, and
among ordinary clauses a few that raise barriers for small bidders (turnover floors, high
insurance, long payment terms ...) and a few fair look-alikes. All text is written for this
generator. The same (seed, pages) always gives byte-identical files (reportlab invariant mode).

    python -m benchmarks.tender_pdfs out/ --count 100 --broken 0.02 --seed 7

Used by benchmarks/bench.py and by tests/test_audit_*.py.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas as rl_canvas

PAGE_W, PAGE_H = A4
MARGIN = 64.0
TEXT_W = PAGE_W - 2 * MARGIN
BODY, BOLD = "Helvetica", "Helvetica-Bold"
SIZE, LEADING = 9.5, 11.6

AUTHORITIES = ("Northfield Borough Council", "Eastmoor County Council", "Harbourside NHS Trust",
               "Westvale Combined Authority", "Riverbend District Council",
               "Central Schools Partnership", "Highland Water Services", "Kingsport City Council")
SUBJECTS = ("grounds maintenance", "facilities management", "IT support services",
            "school catering", "highways repairs", "building cleaning", "legal advice",
            "home care services", "waste collection", "security guarding")

SECTIONS = ("Introduction", "Background to the requirement", "Scope of the services",
            "Specification", "Selection criteria", "Award criteria", "Contract terms",
            "Pricing schedule", "Instructions to tenderers", "Timetable", "Social value",
            "Data protection", "Mobilisation and exit", "Performance management")

# Ordinary tender prose, assembled from parts so pages do not repeat word for word.
OPENERS = ("The Contractor shall", "The Provider will", "Tenderers should", "The successful bidder must",
           "The Authority expects the Supplier to", "Each bidder is asked to", "The service provider shall")
ACTIONS = ("maintain accurate records of all visits and make them available on request",
           "attend a monthly contract review meeting with the contract manager",
           "report any health and safety incident within one working day",
           "provide a named account manager for the duration of the contract",
           "submit a mobilisation plan covering the first twelve weeks of the service",
           "comply with the Authority's policies on safeguarding and equality",
           "keep all equipment in a safe and serviceable condition",
           "agree a schedule of planned works with each site manager",
           "describe how the service will be delivered during periods of severe weather",
           "set out the training given to operatives before they start work",
           "use vehicles that meet current emission standards where practicable",
           "return all Authority data at the end of the contract in an agreed format",
           "respond to urgent call-outs within four hours of notification",
           "record key performance indicators and report them each quarter",
           "explain how complaints from service users will be handled and resolved")
TAILS = ("", " in line with the specification", " to the reasonable satisfaction of the Authority",
         " unless otherwise agreed in writing", " as described in Appendix B",
         " at no additional cost to the Authority")
CONTEXT = ("The current arrangements end on 31 March and the new contract is expected to start the following day.",
           "The Authority manages a portfolio of around 140 sites across the district, including offices, depots and schools.",
           "Service levels have been reviewed with users and the specification reflects their feedback.",
           "Questions about this invitation must be submitted through the e-tendering portal.",
           "All prices must be quoted in pounds sterling and exclude VAT.",
           "The evaluation panel will include officers from the service and from procurement.",
           "Bids will be evaluated on the basis of the most advantageous tender.",
           "Site visits may be arranged on request during the tender period.",
           "The Authority reserves the right not to award a contract.",
           "Variant bids will not be considered.")

# Clauses that raise barriers (what the audit should find) and fair look-alikes.
BARRIERS = ("Bidders must have a minimum annual turnover of £{m}m in each of the last three financial years.",
            "The Supplier must hold professional indemnity insurance of at least £{m}m and provide the certificate with the tender.",
            "Invoices will be paid within 60 days of receipt of a valid invoice.",
            "Bidders must have been trading for a minimum of five years at the tender deadline.",
            "Provide audited accounts for the last three financial years.",
            "Consortium bids will not be accepted.",
            "Tenderers must hold ISO 9001 certification at the time of tender.",
            "A performance bond of 10% of the contract value will be required from the successful bidder.",
            "The Contractor's liability under the Contract shall be unlimited.",
            "Bidders must have an office within 15 miles of the Town Hall.",
            "Bidders must employ at least {n} full-time staff.",
            "Provide five references for contracts of at least £{m}m each delivered in the last two years.")
FAIR = ("There is no minimum turnover requirement for this contract.",
        "Consortia and joint bids are welcome.",
        "ISO 9001 or an equivalent quality management system will be accepted.",
        "Evidence of insurance will be required from the successful supplier only, before the contract starts.",
        "Invoices will be paid within 30 days of receipt of a valid, undisputed invoice.",
        "Where audited accounts are not available, management accounts or a bank letter may be provided.")


@dataclass(frozen=True)
class GeneratedFile:
    path: str
    pages: int
    broken: bool
    kind: str  # tender | truncated | garbage | encrypted | empty


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(OPENERS)} {rng.choice(ACTIONS)}{rng.choice(TAILS)}."


def _paragraph(rng: random.Random) -> str:
    parts = [_sentence(rng) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.4:
        parts.insert(rng.randint(0, len(parts)), rng.choice(CONTEXT))
    return " ".join(parts)


def _barrier(rng: random.Random) -> str:
    text = rng.choice(BARRIERS) if rng.random() < 0.7 else rng.choice(FAIR)
    return text.format(m=rng.choice((1, 2, 5, 10)), n=rng.choice((20, 50, 100)))


def tender_pdf(path: os.PathLike[str] | str, pages: int, seed: int, *,
               tables: bool = True) -> Path:
    """Write a `pages`-page tender to `path`; the same arguments give the same bytes."""
    rng = random.Random(seed)
    authority = rng.choice(AUTHORITIES)
    subject = rng.choice(SUBJECTS)
    ref = f"ITT/{seed % 10000:04d}/{rng.randint(10, 99)}"
    c = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(f"{authority}: invitation to tender for {subject}")
    c.setAuthor(authority)
    section = 0
    clause = 0
    for page in range(1, pages + 1):
        _furniture(c, authority, ref, page, pages)
        y = PAGE_H - MARGIN - 18
        if page == 1:
            c.setFont(BOLD, 16)
            c.drawString(MARGIN, y, f"Invitation to tender: {subject}")
            y -= 22
            c.setFont(BODY, 11)
            c.drawString(MARGIN, y, f"{authority}  -  reference {ref}")
            y -= 26
        while y > MARGIN + 40:
            roll = rng.random()
            if clause == 0 or roll < 0.08:
                section += 1
                clause = 0
                title = SECTIONS[(section - 1) % len(SECTIONS)]
                y -= 6
                c.setFont(BOLD, 12)
                c.drawString(MARGIN, y, f"{section}. {title}")
                y -= 18
                clause = 1
                continue
            if tables and roll < 0.13 and y > MARGIN + 150:
                y = _table(c, rng, y)
                continue
            text = _barrier(rng) if roll < 0.2 else _paragraph(rng)
            number = f"{section}.{clause}"
            clause += 1
            lines = simpleSplit(text, BODY, SIZE, TEXT_W - 34)
            if y - len(lines) * LEADING < MARGIN + 30:
                break
            c.setFont(BODY, SIZE)
            c.drawString(MARGIN, y, number)
            for line in lines:
                c.drawString(MARGIN + 34, y, line)
                y -= LEADING
            y -= 6
        c.showPage()
    c.save()
    return Path(path)


def _furniture(c: rl_canvas.Canvas, authority: str, ref: str, page: int, pages: int) -> None:
    c.setFont(BODY, 8)
    c.drawString(MARGIN, PAGE_H - MARGIN + 20, f"{authority} - {ref} - OFFICIAL")
    c.drawRightString(PAGE_W - MARGIN, MARGIN - 24, f"Page {page} of {pages}")


def _table(c: rl_canvas.Canvas, rng: random.Random, y: float) -> float:
    """A ruled criteria table of 4-7 rows: the layout pdfplumber is kept for."""
    rows = [("Criterion", "Weighting", "Evidence required")]
    for _ in range(rng.randint(3, 6)):
        rows.append((rng.choice(("Quality of service", "Price", "Social value", "Mobilisation",
                                 "Technical approach", "Staffing plan", "Sustainability")),
                     f"{rng.choice((5, 10, 15, 20, 30, 40))}%",
                     rng.choice(("Method statement", "Pricing schedule", "Case study",
                                 "Completed questionnaire", "Named staff CVs"))))
    widths = (TEXT_W * 0.42, TEXT_W * 0.18, TEXT_W * 0.40)
    row_h = 16.0
    top = y
    for i, row in enumerate(rows):
        c.setFont(BOLD if i == 0 else BODY, SIZE)
        x = MARGIN
        for cell, w in zip(row, widths):
            c.drawString(x + 4, y - 11, cell)
            x += w
        y -= row_h
    c.setLineWidth(0.5)
    for i in range(len(rows) + 1):
        c.line(MARGIN, top - i * row_h, MARGIN + TEXT_W, top - i * row_h)
    x = MARGIN
    for w in (0.0, *widths):
        x += w
        c.line(x, top, x, y)
    return y - 14


def broken_file(path: os.PathLike[str] | str, kind: str, seed: int) -> Path:
    """A deliberately unreadable file: truncated | garbage | encrypted | empty."""
    p = Path(path)
    if kind == "truncated":
        tmp = p.with_suffix(".tmp")
        tender_pdf(tmp, 3, seed)
        data = tmp.read_bytes()
        tmp.unlink()
        p.write_bytes(data[: len(data) // 3])
    elif kind == "garbage":
        rng = random.Random(seed)
        p.write_bytes(b"%PDF-1.7\n" + bytes(rng.getrandbits(8) for _ in range(4096)))
    elif kind == "encrypted":
        c = rl_canvas.Canvas(str(p), pagesize=A4, invariant=1, encrypt="secret-user-password")
        c.drawString(MARGIN, PAGE_H - MARGIN, f"Tender {seed}: bidders must have a minimum "
                     "turnover of £5m.")
        c.showPage()
        c.save()
    elif kind == "empty":
        p.write_bytes(b"")
    else:
        raise ValueError(kind)
    return p


BROKEN_KINDS = ("truncated", "garbage", "encrypted", "empty")
# Mixed sizes, weighted towards the short notices and ITTs most tenders are.
SIZE_MIX = ((1, 3), (2, 6), (4, 12), (8, 30), (1, 60))  # (weight, max pages)


def _one(args: tuple[str, int, int, bool, str]) -> GeneratedFile:
    path, pages, seed, broken, kind = args
    if broken:
        broken_file(path, kind, seed)
        return GeneratedFile(path, 0, True, kind)
    tender_pdf(path, pages, seed)
    return GeneratedFile(path, pages, False, "tender")


def corpus(out_dir: os.PathLike[str] | str, count: int, *, broken: float = 0.02, seed: int = 42,
           pages: Optional[Sequence[int]] = None, jobs: int = 1,
           zip_every: int = 0) -> list[GeneratedFile]:
    """Generate `count` files in `out_dir` (reused when the manifest matches).

    broken: the share of deliberately broken files (at least one when > 0).
    pages: page counts to cycle through; default a realistic mix of 1-60 pages.
    zip_every: also pack every n-th good tender into a ZIP tender pack (0: none).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.json"
    params = {"count": count, "broken": broken, "seed": seed, "pages": list(pages or []),
              "zip_every": zip_every, "version": 3}
    if manifest.exists():
        saved = json.loads(manifest.read_text())
        if saved.get("params") == params:
            return [GeneratedFile(**f) for f in saved["files"]]
    rng = random.Random(seed)
    n_broken = max(1, round(count * broken)) if broken > 0 else 0
    broken_at = set(rng.sample(range(count), n_broken))
    weights = [w for w, _ in SIZE_MIX]
    jobs_args = []
    for i in range(count):
        if pages:
            n_pages = pages[i % len(pages)]
        else:
            hi = rng.choices([m for _, m in SIZE_MIX], weights)[0]
            n_pages = rng.randint(1, hi)
        is_broken = i in broken_at
        kind = BROKEN_KINDS[i % len(BROKEN_KINDS)] if is_broken else "tender"
        name = f"tender-{i:05d}.pdf"
        jobs_args.append((str(out / name), n_pages, seed * 100_003 + i, is_broken, kind))
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            files = list(pool.map(_one, jobs_args, chunksize=8))
    else:
        files = [_one(a) for a in jobs_args]
    if zip_every:
        files = _pack(out, files, zip_every)
    manifest.write_text(json.dumps({"params": params, "files": [asdict(f) for f in files]},
                                   indent=1))
    return files


def _pack(out: Path, files: list[GeneratedFile], every: int) -> list[GeneratedFile]:
    """Move every n-th good tender into its own ZIP pack (one document to the audit)."""
    result = []
    for i, f in enumerate(files):
        if f.broken or i % every:
            result.append(f)
            continue
        src = Path(f.path)
        pack = src.with_suffix(".zip")
        with zipfile.ZipFile(pack, "w", zipfile.ZIP_DEFLATED) as z:
            info = zipfile.ZipInfo(f"tender-pack/{src.name}", date_time=(2025, 1, 6, 9, 0, 0))
            z.writestr(info, src.read_bytes())
        src.unlink()
        result.append(GeneratedFile(str(pack), f.pages, False, "zip"))
    return result


def main(argv: Optional[Iterable[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--broken", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(list(argv) if argv is not None else None)
    files = corpus(args.out, args.count, broken=args.broken, seed=args.seed, jobs=args.jobs)
    print(f"{len(files)} files, {sum(f.pages for f in files)} pages, "
          f"{sum(f.broken for f in files)} broken, in {args.out}")


if __name__ == "__main__":
    main()
