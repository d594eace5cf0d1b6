"""Benchmark ``pressarchive.extract`` against the shared ground-truth pages.

Scores main text (AEB shingle F1 on the ``aeb`` and ``atf`` full-text pages, snippet F1 on
``traf``), title (exact match and token F1), publication date (exact day per subset and per
language, with the share of dated pages given no date and given a wrong one: a wrong date is
worse than none) and throughput of
:func:`extract_document`, and, in the same run, of plain ``trafilatura.extract`` +
``htmldate.find_date`` (title from ``trafilatura.extract_metadata``) as the baseline. The
metric functions are imported from the test set's own ``tools/evaluate.py`` so the figures
are comparable with its README. The test data is read in place and never copied.

Usage: python bench/extract.py [--every N]   (last line of output: the figures as JSON)
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import logging
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from htmldate import find_date
from trafilatura import extract, extract_metadata

from pressarchive.extract import ExtractionError, extract_document

REPO = Path(__file__).resolve().parents[1]
Record = dict[str, Any]  # a ground_truth.jsonl row plus its page bytes under "body"
Output = dict[str, Any]  # what one extractor returned for a page: text, title, date
ARCHIVE_LANGUAGES = ("en", "es", "it", "pt", "fr", "de")  # per-language date figures; the rest is "other"


def testdata_dir() -> Path:
    """``$PRESSARCHIVE_TESTDATA`` or ``../shared/testdata`` beside the repository."""
    return Path(os.environ.get("PRESSARCHIVE_TESTDATA") or REPO.parent / "shared" / "testdata")


def load_metrics(root: Path) -> ModuleType:
    """Import the test set's ``tools/evaluate.py`` (its metric functions) from where it lies."""
    path = root / "tools" / "evaluate.py"
    spec = importlib.util.spec_from_file_location("testdata_evaluate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_records(root: Path, every: int) -> list[Record]:
    with open(root / "ground_truth.jsonl", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines][::every]
    for record in records:
        with gzip.open(root / record["file"], "rb") as page:
            record["body"] = page.read()
    return records


def run_ours(record: Record) -> Output:
    try:
        doc = extract_document(record["body"], record.get("url") or "")
    except ExtractionError:
        doc = None
    if doc is None:
        return {"text": "", "title": None, "date": None}
    published = doc.published.isoformat() if doc.published else None
    return {"text": doc.text, "title": doc.title or None, "date": published}


def run_baseline(record: Record) -> Output:
    body, url = record["body"], record.get("url")
    text = extract(body, include_comments=False, favor_precision=True) or ""
    published = find_date(body, url=url, original_date=True, extensive_search=True)
    return {"text": text, "date": published}


def baseline_title(record: Record) -> str | None:
    return extract_metadata(record["body"], default_url=record.get("url")).title


def timed(
    records: list[Record], runs: dict[str, Callable[[Record], Output]]
) -> dict[str, tuple[dict[str, Output], float]]:
    """Per extractor: outputs by record id and pages per second (one process, one pass).

    The extractors take turns page by page, so a load spike on a shared machine slows
    them alike instead of skewing the comparison.
    """
    for record in records[:5]:  # warm-up: imports, lazily built models and regexes
        for run in runs.values():
            run(record)
    outputs: dict[str, dict[str, Output]] = {name: {} for name in runs}
    seconds = dict.fromkeys(runs, 0.0)
    for record in records:
        for name, run in runs.items():
            started = time.perf_counter()
            outputs[name][record["id"]] = run(record)
            seconds[name] += time.perf_counter() - started
    return {name: (outputs[name], len(records) / seconds[name]) for name in runs}


def subset(record: Record) -> str:
    return record["id"].split("-")[0]


def score(ev: ModuleType, records: list[Record], outputs: dict[str, Output]) -> dict[str, Any]:
    """Per-subset figures with the test set's own metric functions."""
    text: dict[str, list] = defaultdict(list)
    snippets: dict[str, list] = defaultdict(list)
    titles: dict[str, list] = defaultdict(list)
    dates: dict[str, list] = defaultdict(list)
    for record in records:
        out, group = outputs[record["id"]], subset(record)
        if record.get("text"):
            pair = (record["text"], out["text"])
            text[group].append(pair)
            text["aeb+atf"].append(pair)
        if record.get("with"):
            snippets[group].append(ev.snippet_counts(record, out["text"] or None))
        if record.get("title") and "title" in out:
            pred = out["title"]
            row = (
                bool(pred) and ev.title_exact_norm(pred) == ev.title_exact_norm(record["title"]),
                ev.title_token_f1(record["title"], pred) if pred else 0.0,
            )
            titles[group].append(row)
            titles["all"].append(row)
        if record.get("date"):
            row = (out["date"] == record["date"], out["date"] is not None)
            dates[group].append(row)
            dates["all"].append(row)
            dates[f"lang:{language_group(record)}"].append(row)
    return {
        "text_f1": {g: round(ev.text_scores(p, n_boot=50)["f1"], 4) for g, p in text.items()},
        "snippet_f1": {g: round(ev.snippet_scores(c)["f1"], 4) for g, c in snippets.items()},
        "title_exact": {g: _mean(r[0] for r in rows) for g, rows in titles.items()},
        "title_token_f1": {g: _mean(r[1] for r in rows) for g, rows in titles.items()},
        "date_exact_day": {g: _mean(r[0] for r in rows) for g, rows in dates.items() if ":" not in g},
        "date_coverage": {g: _mean(r[1] for r in rows) for g, rows in dates.items() if ":" not in g},
        "date_none": {g: _mean(not r[1] for r in rows) for g, rows in dates.items() if ":" not in g},
        "date_wrong": {g: _mean(r[1] and not r[0] for r in rows) for g, rows in dates.items() if ":" not in g},
        "date_by_language": {
            g.split(":")[1]: {"pages": len(rows), "exact_day": _mean(r[0] for r in rows),
                              "none": sum(not r[1] for r in rows), "wrong": sum(r[1] and not r[0] for r in rows)}
            for g, rows in sorted(dates.items()) if g.startswith("lang:")
        },
    }


def language_group(record: Record) -> str:
    """The page's language label if it is one of the archive's six, else ``other``."""
    language = record.get("lang") or ""
    return language if language in ARCHIVE_LANGUAGES else "other"


def _mean(values: Any) -> float:
    return round(statistics.mean(float(v) for v in values), 4)


def report(name: str, figures: dict[str, Any]) -> None:
    print(f"\n== {name}  ({figures['pages_per_s']:.1f} pages/s)")
    for metric, groups in figures.items():
        if metric == "date_by_language":
            cells = "  ".join(f"{g}={row['exact_day']:.3f} (n={row['pages']}, none {row['none']}, "
                              f"wrong {row['wrong']})" for g, row in groups.items())
            print(f"  {'date_by_lang':<15} {cells}")
        elif isinstance(groups, dict):
            cells = "  ".join(f"{g}={v:.3f}" for g, v in sorted(groups.items()))
            print(f"  {metric:<15} {cells}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=1, help="use every N-th page only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # trafilatura warns about every page it discards
    root = testdata_dir()
    if not (root / "ground_truth.jsonl").is_file():
        print(f"test data not found at {root}; set PRESSARCHIVE_TESTDATA. Skipping.")
        return 0
    ev = load_metrics(root)
    records = load_records(root, args.every)
    print(f"{len(records)} pages from {root}")

    timings = timed(records, {"ours": run_ours, "baseline": run_baseline})
    (ours, ours_rate), (base, base_rate) = timings["ours"], timings["baseline"]
    for record in records:
        if record.get("title"):
            base[record["id"]]["title"] = baseline_title(record)
    ours_figures = {**score(ev, records, ours), "pages_per_s": round(ours_rate, 2)}
    base_figures = {**score(ev, records, base), "pages_per_s": round(base_rate, 2)}
    report("pressarchive.extract.extract_document", ours_figures)
    report("baseline: trafilatura.extract + htmldate.find_date", base_figures)
    results = {
        "pages": len(records),
        "extract_document": ours_figures,
        "baseline_trafilatura_htmldate": base_figures,
    }
    print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
