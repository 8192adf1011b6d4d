"""Measure what each detector adds: rules alone, the classifier alone, and both combined.

Two measurements, per category:

- `corpus_cv()`: cross-validation on the labelled corpus, grouped by the pattern a clause
  was written from (near-twins never sit on both sides of a split). The classifier's
  thresholds for each fold are chosen on the other folds' out-of-fold scores, so no clause is
  scored with a threshold picked by looking at it.
- `real_text()`: real tender text in the layout of `shared/eval` (`docs/*.txt`,
  `labels.jsonl`, `manifest.json`), scanned with the full pipeline. A finding matches a
  labelled span when their word sets overlap as the client's scorer defines it: at least
  min(4, shorter) shared words making up 60% of the shorter. Recall counts high and medium
  spans found in the right category; unlabelled findings count against precision.

Reports hold counts and scores only, never the evaluation text.
"""
from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

import numpy as np

from .assess import rule_signals, signal_categories
from .corpus import Corpus
from .detect.combine import exclusion_vetoes
from .detect.rule_engine import RuleEngine
from .detect.classifier import (
    DEFAULT_KIND,
    DEFAULT_SEED,
    MIN_POSITIVES,
    MODEL_ONLY_PRECISION,
    N_FOLDS,
    KeywordGate,
    choose_thresholds,
    fold_ids,
    gate_mask,
    label_matrix,
    learnable_categories,
    out_of_fold_proba,
    prf,
    ruled_matrix,
    ruled_texts,
    uses_rule_signals,
)
from .errors import ModelError
from .model import CATEGORIES, Clause, Finding

MODES = ("rules", "model", "combined")
# The bar: every category with at least this many corpus examples reaches F1 0.80.
F1_SUPPORT = 40
F1_TARGET = 0.80


# ---------------------------------------------------------------------------------------
# Corpus cross-validation


def corpus_cv(corpus: Corpus, *, seed: int = DEFAULT_SEED, kind: str = DEFAULT_KIND,
              n_folds: int = N_FOLDS, rules_dir: Optional[Path] = None,
              gate: Optional[KeywordGate] = None, fold_seed: Optional[int] = None) -> dict[str, Any]:
    """Per-category precision/recall/F1 for rules, model and combined on the corpus.

    fold_seed: None for the standard GroupKFold assignment, an int for a shuffled one
        (`fold_ids`)."""
    gate = gate or KeywordGate.from_file()
    label_sets = corpus.label_sets()
    learnt = learnable_categories(label_sets, MIN_POSITIVES)
    y_all = label_matrix(label_sets, CATEGORIES)
    folds = fold_ids(corpus.groups, n_folds, shuffle_seed=fold_seed)
    # the rules are fixed, not fitted, so their verdicts on every clause are fold-independent;
    # a finding its computed test clears (a 30-day payment term) is not a rule flag, as in a scan
    engine = RuleEngine.from_dir(rules_dir)
    ruled = ruled_texts(corpus.texts, signal_categories(corpus.texts, engine))
    rule_flags = ruled_matrix(ruled, CATEGORIES)
    texts = ruled if uses_rule_signals(kind) else corpus.texts

    model_flags = np.zeros(y_all.shape, dtype=bool)
    model_only_flags = np.zeros(y_all.shape, dtype=bool)
    if learnt:
        y = label_matrix(label_sets, learnt)
        oof = out_of_fold_proba(texts, y, folds, seed=seed, kind=kind)
        oof[~gate_mask(gate, texts)] = 0.0
        flags = cross_fitted_flags(oof, y, learnt, folds)
        # the model-only bar is chosen, as in training, on clauses no rule flagged
        strict = cross_fitted_flags(oof, y, learnt, folds, MODEL_ONLY_PRECISION,
                                    exclude=ruled_matrix(texts, learnt)) & flags
        for j, cat in enumerate(learnt):
            model_flags[:, CATEGORIES.index(cat)] = flags[:, j]
            model_only_flags[:, CATEGORIES.index(cat)] = strict[:, j]
    # as combine() does: a rule finding stays; the model adds what clears the higher bar and
    # is not in one of the category's exclusion contexts
    model_only_flags &= ~veto_flags(texts, exclusion_vetoes(engine.pack))
    flags_by_mode = {"rules": rule_flags, "model": model_flags,
                     "combined": rule_flags | model_only_flags}

    truth = y_all == 1
    per_category: dict[str, dict[str, Any]] = {}
    for i, cat in enumerate(CATEGORIES):
        row: dict[str, Any] = {"support": int(truth[:, i].sum()), "learnt": cat in learnt}
        for mode, flags in flags_by_mode.items():
            row[mode] = prf(flags[:, i], truth[:, i])
        per_category[cat] = row
    return {
        "clauses": len(corpus), "negatives": corpus.negatives, "corpus_sha256": corpus.sha256,
        "patterns": len(set(corpus.groups)), "folds": int(folds.max()) + 1,
        "pipeline": kind, "seed": seed, "fold_seed": fold_seed, "categories": per_category,
        "macro_f1": {mode: _macro_f1(per_category, mode, 1) for mode in MODES},
        f"macro_f1_support_{F1_SUPPORT}": {mode: _macro_f1(per_category, mode, F1_SUPPORT)
                                            for mode in MODES},
        "model_below_target": [cat for cat, row in per_category.items()
                               if row["support"] >= F1_SUPPORT and row["model"]["f1"] < F1_TARGET],
    }


def fold_spread(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Model F1 per category (mean, min, max) and macro F1 per mode over several corpus_cv runs."""
    per_category = {}
    for cat, row in runs[0]["categories"].items():
        f1s = [run["categories"][cat]["model"]["f1"] for run in runs]
        per_category[cat] = {"support": row["support"], "mean": round(float(np.mean(f1s)), 4),
                             "min": min(f1s), "max": max(f1s), "f1": f1s}
    return {
        "assignments": len(runs), "fold_seeds": [run["fold_seed"] for run in runs],
        "model_f1": per_category,
        "macro_f1": {mode: [run["macro_f1"][mode] for run in runs] for mode in MODES},
        "model_mean_below_target": [cat for cat, row in per_category.items()
                                    if row["support"] >= F1_SUPPORT and row["mean"] < F1_TARGET],
    }


def cross_fitted_flags(oof: np.ndarray, y: np.ndarray, categories: Sequence[str],
                       folds: np.ndarray, precision_floor: Optional[float] = None,
                       exclude: Optional[np.ndarray] = None) -> np.ndarray:
    """Flag each fold's clauses with thresholds chosen on the other folds only (leaving out
    `exclude`'s rows per category, as `choose_thresholds` does)."""
    flags = np.zeros(oof.shape, dtype=bool)
    for k in np.unique(folds):
        held_out = folds == k
        thresholds = choose_thresholds(oof, y, categories, mask=~held_out,
                                       precision_floor=precision_floor, exclude=exclude)
        limits = np.array([thresholds[c] for c in categories])
        flags[held_out] = oof[held_out] >= limits
    return flags


def veto_flags(texts: Sequence[str], vetoes: Mapping[str, Any]) -> np.ndarray:
    """Clause x category: True where the clause shows one of the category's exclusions."""
    flags = np.zeros((len(texts), len(CATEGORIES)), dtype=bool)
    for j, cat in enumerate(CATEGORIES):
        if cat in vetoes:
            flags[:, j] = [vetoes[cat].search(t) is not None for t in texts]
    return flags


def _macro_f1(per_category: Mapping[str, Mapping[str, Any]], mode: str, min_support: int) -> float:
    f1s = [row[mode]["f1"] for row in per_category.values() if row["support"] >= min_support]
    return round(float(np.mean(f1s)), 4) if f1s else 0.0


# ---------------------------------------------------------------------------------------
# Real tender text


WORD_RE = re.compile(r"[a-z0-9£€$₹%.,]+")


def word_set(text: str) -> set[str]:
    """Lower-case words with numbers and currency kept, hyphenated line breaks rejoined."""
    text = re.sub(r"-\s*\n\s*", "", text.lower().replace("\u2019", "'"))
    return {w.strip(".,") for w in WORD_RE.findall(text) if w.strip(".,")}


def spans_match(a: set[str], b: set[str]) -> bool:
    """The client's matching rule: enough shared words, most of the shorter span."""
    if not a or not b:
        return False
    shared, shorter = len(a & b), min(len(a), len(b))
    return shared >= min(4, shorter) and shared / shorter >= 0.6


def load_eval_data(directories: Iterable[Path]) -> tuple[dict[str, Path], dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """(documents by id, manifest entries by id, labels) from eval-layout directories."""
    docs: dict[str, Path] = {}
    metas: dict[str, dict[str, Any]] = {}
    labels: list[dict[str, Any]] = []
    for directory in directories:
        directory = Path(directory)
        manifest_path = directory / "manifest.json"
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        labels_path = directory / "labels.jsonl"
        if labels_path.exists():
            labels += [json.loads(l) for l in labels_path.read_text().splitlines() if l.strip()]
        for txt in sorted((directory / "docs").glob("*.txt")):
            docs[txt.stem] = txt
            metas[txt.stem] = manifest.get(txt.stem, {})
    return docs, metas, labels


def build_pdf(txt: Path, out: Path, title: str) -> None:
    """A PDF of a text file with a running header and page numbers, so the scan exercises
    extraction, furniture removal and line joining as on a real tender."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    style = getSampleStyleSheet()["BodyText"]
    story: list[Any] = []
    # a paragraph per blank-line block, and per numbered or bulleted line
    blocks = re.split(r"\n\s*\n|\n(?=\s*(?:\d+(?:\.\d+)*[.)]?|\([a-z0-9]+\)|[-•*])\s)",
                      txt.read_text(encoding="utf-8"))
    for block in (b.strip() for b in blocks):
        if block:
            story += [Paragraph(escape(block).replace("\n", "<br/>"), style), Spacer(1, 4)]

    def furniture(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(56, A4[1] - 40, title[:110])
        canvas.drawRightString(A4[0] - 56, 30, f"Page {doc.page}")
        canvas.restoreState()

    SimpleDocTemplate(str(out), pagesize=A4, title=title).build(
        story, onFirstPage=furniture, onLaterPages=furniture)


def mode_scanners() -> dict[str, Any]:
    """One Scanner per mode, differing only in what `detect` returns; extraction,
    segmentation and assessment are the pipeline's own."""
    from .pipeline import Scanner
    from .settings import ScanSettings

    class ModeScanner(Scanner):
        def __init__(self, mode: str) -> None:
            super().__init__(ScanSettings(use_model=mode != "rules"))
            if mode != "rules" and self.classifier is None:
                raise ModelError("the classifier could not be loaded; run `barrier-scan train`")
            self.mode = mode

        def detect(self, clauses: Sequence[Clause]) -> list[Finding]:
            if self.mode == "rules":
                return self.rules.detect(clauses)
            if self.mode == "model":
                # the classifier alone: its findings only, though it reads the rules'
                # verdicts as features when it was trained with rule signals
                classifier: Any = self.classifier  # a ClauseClassifier: checked in __init__
                return list(classifier.detect(
                    clauses, rule_signals(self.rules.detect(clauses), self.rules.pack)))
            return super().detect(clauses)  # combined: exactly what `barrier-scan scan` reports

    return {mode: ModeScanner(mode) for mode in MODES}


def scan_eval_documents(docs: Mapping[str, Path], metas: Mapping[str, dict[str, Any]], *, as_pdf: bool = True,
                        cache_dir: Optional[Path] = None) -> tuple[dict[str, dict[str, list[Finding]]], dict[str, str]]:
    """Findings per mode and document."""
    from .settings import ScanSettings

    cache = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "barrier-scan-eval"
    cache.mkdir(parents=True, exist_ok=True)
    scanners = mode_scanners()
    found: dict[str, dict[str, list[Finding]]] = {mode: {} for mode in MODES}
    errors: dict[str, str] = {}
    for doc_id, txt in docs.items():
        meta = metas.get(doc_id, {})
        path = _pdf_for(txt, meta, cache) if as_pdf else txt
        for mode, scanner in scanners.items():
            settings = ScanSettings(value=meta.get("value") or None,
                                    currency=meta.get("currency") or "GBP",
                                    use_model=mode != "rules")
            result = scanner.scan_path(path, settings=settings)
            if result.errors and not result.findings:
                errors[doc_id] = "; ".join(e.message for e in result.errors)
            found[mode][doc_id] = list(result.findings)
    return found, errors


def _pdf_for(txt: Path, meta: Mapping[str, Any], cache: Path) -> Path:
    digest = hashlib.sha256(txt.read_bytes()).hexdigest()[:12]
    path = cache / f"{txt.stem}-{digest}.pdf"
    if not path.exists():
        build_pdf(txt, path, meta.get("title") or txt.stem)
    return path


def score_findings(found: Mapping[str, Sequence[Finding]], labels: Sequence[Mapping[str, Any]],
                   docs: Iterable[str]) -> dict[str, Any]:
    """Recall of high/medium spans per category, look-alikes flagged and precision."""
    doc_ids = set(docs)
    words_of = {doc: [word_set(f.text) for f in found.get(doc, [])] for doc in doc_ids}
    matched: dict[str, set[int]] = defaultdict(set)  # findings on any labelled span
    true: dict[str, set[int]] = defaultdict(set)  # findings on a span of their category
    per_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    neg_hit = neg_total = hm_found = hm_total = 0
    for label in labels:
        doc = label["doc"]
        if doc not in doc_ids:
            continue
        lw = word_set(label["text"])
        hits = [j for j, fw in enumerate(words_of[doc]) if spans_match(lw, fw)]
        matched[doc].update(hits)
        if label["label"] == "none":
            neg_total += 1
            neg_hit += bool(hits)
            continue
        same = [j for j in hits if found[doc][j].category == label["label"]]
        true[doc].update(same)
        if label.get("severity") in ("high", "medium"):
            hm_total += 1
            per_cat[label["label"]][1] += 1
            if same:
                hm_found += 1
                per_cat[label["label"]][0] += 1
    flagged_by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [true, flagged]
    for doc in doc_ids:
        for j, f in enumerate(found.get(doc, [])):
            flagged_by_cat[f.category][1] += 1
            flagged_by_cat[f.category][0] += j in true[doc]
    n_find = sum(len(found.get(d, [])) for d in doc_ids)
    n_true = sum(len(v) for v in true.values())
    n_matched = sum(len(v) for v in matched.values())
    categories = {}
    for cat in sorted(set(per_cat) | set(flagged_by_cat), key=CATEGORIES.index):
        hit, total = per_cat[cat] if cat in per_cat else (0, 0)
        tp, flagged = flagged_by_cat[cat] if cat in flagged_by_cat else (0, 0)
        categories[cat] = {"found": hit, "total": total,
                           "recall": round(hit / total, 4) if total else None,
                           "flagged": flagged, "true": tp,
                           "precision": round(tp / flagged, 4) if flagged else None}
    return {
        "recall": round(hm_found / hm_total, 4) if hm_total else 0.0,
        "found": hm_found, "total": hm_total,
        "negatives_flagged": neg_hit, "negatives": neg_total,
        "findings": n_find, "true_findings": n_true,
        "precision": round(n_true / n_find, 4) if n_find else 0.0,
        "precision_labelled": round(n_true / n_matched, 4) if n_matched else 0.0,
        "categories": categories,
    }


def real_text(directories: Sequence[Path], *, as_pdf: bool = True,
              cache_dir: Optional[Path] = None) -> dict[str, Any]:
    docs, metas, labels = load_eval_data(directories)
    found, errors = scan_eval_documents(docs, metas, as_pdf=as_pdf, cache_dir=cache_dir)
    return {"data": [str(d) for d in directories], "documents": len(docs), "labels": len(labels),
            "as": "pdf" if as_pdf else "txt", "errors": errors,
            "modes": {mode: score_findings(found[mode], labels, docs) for mode in MODES}}


# ---------------------------------------------------------------------------------------
# Text report


def format_report(report: Mapping[str, Any]) -> str:
    lines: list[str] = []
    cv = report.get("corpus")
    if cv:
        lines.append(f"Corpus cross-validation: {cv['clauses']} clauses ({cv['negatives']} look-alikes), "
                     f"{cv['patterns']} patterns, {cv['folds']} folds grouped by pattern; "
                     f"pipeline {cv['pipeline']}, seed {cv['seed']}, corpus {cv['corpus_sha256'][:8]}")
        lines.append(f"{'category':26s} {'n':>4s}   {'rules P/R/F1':>17s}   {'model P/R/F1':>17s}   "
                     f"{'combined P/R/F1':>17s}")
        for cat, row in cv["categories"].items():
            cells = [_prf_cell(row[m]) for m in MODES]
            mark = "" if row["learnt"] else "  (not learnt)"
            lines.append(f"{cat:26s} {row['support']:4d}   " + "   ".join(cells) + mark)
        macro, macro40 = cv["macro_f1"], cv[f"macro_f1_support_{F1_SUPPORT}"]
        lines.append("macro F1 (categories with examples)   " +
                     "  ".join(f"{m} {macro[m]:.3f}" for m in MODES))
        lines.append(f"macro F1 (categories with >= {F1_SUPPORT})     " +
                     "  ".join(f"{m} {macro40[m]:.3f}" for m in MODES))
        below = cv["model_below_target"]
        lines.append(f"model F1 below {F1_TARGET:.2f} with >= {F1_SUPPORT} examples: "
                     f"{', '.join(below) if below else 'none'}")
    spread = report.get("corpus_spread")
    if spread:
        lines += _spread_lines(spread)
    real = report.get("real_text")
    if real:
        if lines:
            lines.append("")
        lines.append(f"Real tender text: {real['documents']} documents, {real['labels']} labelled spans "
                     f"(scanned as {real['as']}); scan errors {len(real['errors'])}")
        modes = real["modes"]
        cats = sorted({c for m in MODES for c in modes[m]["categories"]}, key=CATEGORIES.index)
        lines.append(f"{'category':26s} " + " ".join(f"{m + ' rec (P)':>20s}" for m in MODES))
        for cat in cats:
            cells = []
            for m in MODES:
                row = modes[m]["categories"].get(cat, {"found": 0, "total": 0, "precision": None})
                precision = "-" if row["precision"] is None else f"{row['precision']:.2f}"
                cells.append(f"{row['found']:>3d}/{row['total']:<3d} ({precision:>4s})".rjust(20))
            lines.append(f"{cat:26s} " + " ".join(cells))
        for m in MODES:
            s = modes[m]
            lines.append(f"{m:9s} recall(high+medium)={s['recall']:.2f} ({s['found']}/{s['total']})  "
                         f"precision={s['precision']:.2f}  precision_labelled={s['precision_labelled']:.2f}  "
                         f"negatives_flagged={s['negatives_flagged']}/{s['negatives']}  "
                         f"findings={s['findings']}")
    return "\n".join(lines) + "\n"


def _spread_lines(spread: Mapping[str, Any]) -> list[str]:
    n = spread["assignments"]
    lines = ["", f"Model F1 over {n} fold assignments (the standard one, then patterns shuffled into "
                 f"folds with seeds 1-{n - 1}):",
             f"{'category':26s} {'n':>4s}   {'mean':>5s}   {'min':>5s}   {'max':>5s}"]
    for cat, row in spread["model_f1"].items():
        lines.append(f"{cat:26s} {row['support']:4d}   {row['mean']:.3f}   {row['min']:.3f}   "
                     f"{row['max']:.3f}")
    lines.append("macro F1 per assignment   " + "  ".join(
        f"{m} " + "/".join(f"{v:.3f}" for v in spread["macro_f1"][m]) for m in MODES))
    below = spread["model_mean_below_target"]
    lines.append(f"mean model F1 below {F1_TARGET:.2f} with >= {F1_SUPPORT} examples: "
                 f"{', '.join(below) if below else 'none'}")
    return lines


def _prf_cell(row: Mapping[str, Any]) -> str:
    return f"{row['precision']:.2f}/{row['recall']:.2f}/{row['f1']:.2f}".rjust(17)


def evaluate(corpus: Optional[Corpus], eval_dirs: Sequence[Path] = (), *,
             seed: int = DEFAULT_SEED, kind: str = DEFAULT_KIND, as_pdf: bool = True,
             rules_dir: Optional[Path] = None, cache_dir: Optional[Path] = None,
             fold_assignments: int = 1,
             progress: Callable[[str], None] = lambda message: None) -> dict[str, Any]:
    """The full report: corpus cross-validation (if a corpus is given) and real-text scores.

    fold_assignments > 1 repeats the corpus cross-validation with the patterns shuffled into
    folds (seeds 1, 2, ...) and adds `corpus_spread`: each category's model F1 over all the
    assignments. The standard assignment stays the `corpus` report."""
    report: dict[str, Any] = {}
    if corpus is not None:
        progress("cross-validating on the corpus")
        report["corpus"] = corpus_cv(corpus, seed=seed, kind=kind, rules_dir=rules_dir)
        runs = [report["corpus"]]
        for fold_seed in range(1, fold_assignments):
            progress(f"cross-validating on the corpus, patterns shuffled into folds (seed {fold_seed})")
            runs.append(corpus_cv(corpus, seed=seed, kind=kind, rules_dir=rules_dir,
                                  fold_seed=fold_seed))
        if len(runs) > 1:
            report["corpus_spread"] = fold_spread(runs)
    if eval_dirs:
        progress("scanning real tender text")
        report["real_text"] = real_text(eval_dirs, as_pdf=as_pdf, cache_dir=cache_dir)
    return report
