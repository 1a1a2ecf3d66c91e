"""Score the silver annotators on a held-out set: precision, recall, F1 per label, date accuracy.

python scripts/evaluate_silver.py [--set tests/data/heldout] [--annotations annotations] [--errors]

A set whose gold lists topics is scored for them (precision and recall per topic); one whose gold
also names body lines (tests/data/realmess: scraped pages) for titles and cleaning (furniture lines
cut, body lines lost, lines cut per rule).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import dataset_builder
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge.schema import read_json
from dataset_builder.silver_eval import evaluate, evaluate_mess

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / "tests" / "data" / "heldout")
    parser.add_argument("--annotations", type=Path, default=ROOT / "annotations", help="knowledge folder")
    parser.add_argument("--errors", action="store_true", help="list every missed or wrong span and date")
    args = parser.parse_args()
    package = Path(dataset_builder.__file__).resolve().parent.parent
    if package != ROOT:  # e.g. run from a worktree while another checkout is installed
        print(
            f"note: scoring the dataset_builder of {package}, not this script's checkout {ROOT} "
            f"(run it with PYTHONPATH={ROOT} to score that one)",
            file=sys.stderr,
        )
    try:
        knowledge = Knowledge.load(args.annotations)
        golds = read_json(args.set / "gold.json")["documents"]
        topics = all("topics" in g for g in golds.values())
        results = [evaluate(args.set, knowledge)]  # spans where the gold has them; language, dates always
        if topics:
            results.append(evaluate_mess(args.set, knowledge))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    for result in results:
        print(result.report())
        if args.errors:
            print("\n".join(result.errors))


if __name__ == "__main__":
    main()
