"""Intent accuracy of the NLU model on the held-out files (tests/nlu/*.yml), never trained on.

    python -m bot.local.nlu_eval                      # the trained model, models/lapor.tar.gz
    python -m bot.local.nlu_eval --model /tmp/x.tar.gz --errors
    python -m bot.local.nlu_eval --seeds 3            # retrain with DIET seeds 1..3, print the spread

A single training run says little: DIET's random seed alone moves the accuracy on unfamiliar
phrasing by several points, so configurations are compared over seeds (--seeds). A guess of
`nlu_fallback` counts as wrong: it is what the dialogue sees.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "nlu"
NLU_DATA = ROOT / "nlu_data"
CONFIG = ROOT / "dialogue" / "config.yml"
MODEL = ROOT / "models" / "lapor.tar.gz"


@dataclass
class Score:
    right: int
    total: int
    misses: list[tuple[str, str, str]]  # (text, expected intent, predicted intent)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def heldout_files() -> list[Path]:
    return sorted(HELDOUT.glob("*.yml"))


def _examples(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


async def _score_model(model: Path, files: list[Path]) -> dict[str, Score]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    scores = {}
    for path in files:
        score = Score(0, 0, [])
        for text, intent in _examples(path):
            predicted = (await agent.parse_message(text))["intent"]["name"]
            score.total += 1
            if predicted == intent:
                score.right += 1
            else:
                score.misses.append((text, intent, predicted))
        scores[path.name] = score
    return scores


def score_model(model: Path, files: list[Path]) -> dict[str, Score]:
    """Accuracy per held-out file, and over all of them under "overall"."""
    scores = asyncio.run(_score_model(model, files))
    scores["overall"] = Score(
        sum(s.right for s in scores.values()),
        sum(s.total for s in scores.values()),
        [miss for s in scores.values() for miss in s.misses],
    )
    return scores


def seeded_config(config: Path, seed: int, out: Path) -> Path:
    """The configuration with DIET's random seed set to `seed` (comments are not kept)."""
    settings = yaml.safe_load(config.read_text())
    for component in settings["pipeline"]:
        if component["name"] == "DIETClassifier":
            component["random_seed"] = seed
    out.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False))
    return out


def train_nlu(config: Path, nlu: Path, out_dir: Path, name: str) -> Path:
    rasa = Path(sys.executable).with_name("rasa")
    command = [
        str(rasa),
        "train",
        "nlu",
        "--config",
        str(config),
        "--nlu",
        str(nlu),
        "--out",
        str(out_dir),
        "--fixed-model-name",
        name,
    ]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out_dir / f"{name}.tar.gz"


def print_table(runs: dict[str, dict[str, Score]]) -> None:
    """One row per file, one column per run; with several runs, their mean and spread (max - min)."""
    names = [name for name in next(iter(runs.values()))]
    several = len(runs) > 1
    header = f"{'file':<24}" + "".join(f"{run:>9}" for run in runs)
    print(header + (f"{'mean':>9}{'spread':>9}" if several else "") + f"{'n':>6}")
    for name in names:
        accuracies = [scores[name].accuracy for scores in runs.values()]
        row = f"{name:<24}" + "".join(f"{a:>9.3f}" for a in accuracies)
        if several:
            row += f"{statistics.mean(accuracies):>9.3f}{max(accuracies) - min(accuracies):>9.3f}"
        print(row + f"{next(iter(runs.values()))[name].total:>6}")


def print_misses(label: str, scores: dict[str, Score]) -> None:
    for name, score in scores.items():
        if name == "overall":
            continue
        for text, intent, predicted in score.misses:
            print(f"[{label}] {name}: {intent} -> {predicted}: {text}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL, help="model to score (default: %(default)s)")
    parser.add_argument(
        "--seeds",
        type=int,
        default=0,
        help="train this many models (DIET random_seed 1..N) and score each instead",
    )
    parser.add_argument("--config", type=Path, default=CONFIG, help="config to train with in --seeds mode")
    parser.add_argument("--nlu", type=Path, default=NLU_DATA, help="training data in --seeds mode")
    parser.add_argument("--errors", action="store_true", help="list every misclassified message")
    args = parser.parse_args(argv)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.ERROR)  # Rasa logs every parse; only the figures matter here
    files = heldout_files()

    runs: dict[str, dict[str, Score]] = {}
    if args.seeds:
        with tempfile.TemporaryDirectory(prefix="nlu_eval-") as tmp:
            for seed in range(1, args.seeds + 1):
                print(f"[nlu-eval] training with seed {seed}...", flush=True)
                config = seeded_config(args.config, seed, Path(tmp) / f"config-{seed}.yml")
                model = train_nlu(config, args.nlu, Path(tmp), f"seed{seed}")
                runs[f"seed {seed}"] = score_model(model, files)
    else:
        if not args.model.exists():
            print(f"[nlu-eval] no model at {args.model}: train it first (make train)", file=sys.stderr)
            return 1
        runs["accuracy"] = score_model(args.model, files)

    if args.errors:
        for label, scores in runs.items():
            print_misses(label, scores)
    print_table(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
