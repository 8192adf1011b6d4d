"""`barrier-scan train` and `barrier-scan evaluate`: thin click commands over
`detect.classifier` and `evaluate`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import click

from .console import handle_errors, write_output
from .detect import PIPELINE_KINDS

corpus_option = click.option(
    "--corpus", "corpus_path", type=click.Path(exists=True, file_okay=True, dir_okay=True),
    default=None, help="Corpus directory of *.jsonl (default: the shipped corpus/clauses).")
seed_option = click.option("--seed", type=int, default=None,
                           help="Random seed for the pipeline (default: the fixed project seed).")
pipeline_option = click.option("--pipeline", "kind", type=click.Choice(PIPELINE_KINDS), default=None,
                               help="Pipeline to train or measure (default: lr-rules).")


@click.command("train")
@corpus_option
@click.option("--model-dir", type=click.Path(file_okay=False), default=None,
              help="Where to write clause_clf.skops and clause_clf.json (default: the package's models/).")
@seed_option
@pipeline_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", default=None, help="Write the training summary here instead of stdout.")
@handle_errors
def train(corpus_path: Optional[str], model_dir: Optional[str], seed: Optional[int],
          kind: Optional[str], fmt: str, output: Optional[str]) -> None:
    """Train the clause classifier on the labelled corpus and save it beside its sidecar.

    Thresholds are chosen per category on cross-validated (grouped by pattern) corpus scores;
    the sidecar stamps the model's sha256, the corpus hash and the library versions.

    \b
    Example:
        barrier-scan train
        barrier-scan train --corpus corpus/clauses --model-dir /tmp/model --format json
    """
    from .corpus import load_corpus
    from .detect.classifier import (DEFAULT_KIND, DEFAULT_SEED, ClauseClassifier, KeywordGate,
                                    gate_mask, ruled_texts, uses_rule_signals)
    from .assess import signal_categories
    from .detect.rule_engine import RuleEngine

    corpus = load_corpus(corpus_path)
    gate = KeywordGate.from_file()
    kind = kind or DEFAULT_KIND
    texts: list[str] = corpus.texts
    rules_version = None
    if uses_rule_signals(kind):  # the shipped rule pack's verdict on every clause
        engine = RuleEngine.from_dir()
        texts, rules_version = ruled_texts(texts, signal_categories(texts, engine)), engine.version
    classifier = ClauseClassifier.train(texts, corpus.label_sets(), corpus.groups,
                                        corpus.sha256, seed=DEFAULT_SEED if seed is None else seed,
                                        kind=kind, gate=gate, rules_version=rules_version)
    model_path, sidecar_path = classifier.save(Path(model_dir) if model_dir else None)
    passes = gate_mask(gate, corpus.texts)
    blocked = [c.id for c, ok in zip(corpus.clauses, passes) if c.labels and not ok]
    summary = dict(classifier.meta, model=str(model_path), sidecar=str(sidecar_path),
                   gate_blocked_positives=blocked)
    if fmt == "json":
        write_output(json.dumps(summary, indent=2) + "\n", output)
        return
    write_output(_training_text(summary), output)


def _training_text(summary: dict[str, Any]) -> str:
    lines = [f"trained {summary['name']} ({summary['pipeline']}, seed {summary['seed']}) on "
             f"{summary['clauses']} clauses, corpus {summary['corpus_sha256'][:8]}",
             f"wrote {summary['model']} and {summary['sidecar']}",
             f"gate lets through {summary['gate_pass_rate_positives']:.1%} of positive clauses",
             f"{'category':26s} {'threshold':>9s} {'cv P':>6s} {'cv R':>6s} {'cv F1':>6s} {'n':>5s}"]
    for cat in summary["categories"]:
        s = summary["cv"]["scores"][cat]
        lines.append(f"{cat:26s} {summary['thresholds'][cat]:9.3f} {s['precision']:6.2f} "
                     f"{s['recall']:6.2f} {s['f1']:6.2f} {s['support']:5d}")
    if summary["gate_blocked_positives"]:
        lines.append("positive clauses the gate blocks (add terms to models/clause_gate.yaml): "
                     + ", ".join(summary["gate_blocked_positives"]))
    return "\n".join(lines) + "\n"


@click.command("evaluate")
@corpus_option
@click.option("--no-corpus", is_flag=True, help="Skip the corpus cross-validation.")
@click.option("--data", "data_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Real tender text in the eval layout (docs/*.txt, labels.jsonl, manifest.json); repeatable.")
@click.option("--as", "as_", type=click.Choice(["pdf", "txt"]), default="pdf", show_default=True,
              help="Scan the real text as generated PDFs (exercises extraction) or as .txt.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False), default=None,
              help="Where generated PDFs are kept between runs (default: a temp folder).")
@seed_option
@pipeline_option
@click.option("--fold-assignments", type=click.IntRange(1, 20), default=1, show_default=True,
              help="Repeat the corpus cross-validation with patterns shuffled into folds and "
                   "report each category's model F1 over all assignments.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", default=None, help="Write the report here instead of stdout.")
@handle_errors
def evaluate(corpus_path: Optional[str], no_corpus: bool, data_dirs: tuple[str, ...], as_: str,
             cache_dir: Optional[str], seed: Optional[int], kind: Optional[str],
             fold_assignments: int, fmt: str, output: Optional[str]) -> None:
    """Per-category precision, recall and F1 for rules alone, the classifier alone and both.

    On the corpus: cross-validation grouped by the pattern each clause was written from.
    With --data: the full scan of real tender text, matched to labelled spans by word overlap.

    \b
    Example:
        barrier-scan evaluate
        barrier-scan evaluate --no-corpus --data ../shared/eval/dev --format json -o eval.json
        barrier-scan evaluate --fold-assignments 3
    """
    from .corpus import load_corpus
    from .detect.classifier import DEFAULT_KIND, DEFAULT_SEED
    from .evaluate import evaluate as run_evaluation
    from .evaluate import format_report

    corpus = None if no_corpus else load_corpus(corpus_path)
    report = run_evaluation(corpus, [Path(d) for d in data_dirs],
                            seed=DEFAULT_SEED if seed is None else seed, kind=kind or DEFAULT_KIND,
                            as_pdf=as_ == "pdf", cache_dir=Path(cache_dir) if cache_dir else None,
                            fold_assignments=fold_assignments,
                            progress=lambda message: click.echo(message + " ...", err=True))
    if not report:
        raise click.UsageError("nothing to evaluate: drop --no-corpus or give --data DIR")
    write_output(json.dumps(report, indent=2) + "\n" if fmt == "json" else format_report(report), output)
