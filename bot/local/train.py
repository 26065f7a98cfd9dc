"""Trains the Rasa model into models/ only when its inputs changed.

Rasa's own cache still loads TensorFlow (tens of seconds) just to find nothing changed, so the
set-up fingerprints the inputs itself and skips `rasa train` entirely when they match.
Run with `python -m bot.local.train [--force]`.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
MODEL = MODELS / "lapor.tar.gz"
FINGERPRINT = MODELS / "lapor.fingerprint"
CONFIG = ROOT / "dialogue" / "config.yml"
DOMAIN = ROOT / "dialogue" / "domain.yml"
DATA = [ROOT / "nlu_data", ROOT / "dialogue" / "data"]


def training_inputs() -> list[Path]:
    files = [CONFIG, DOMAIN]
    for folder in DATA:
        files += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml", ".txt"})
    return files


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def train_command(out_dir: Path = MODELS, fixed_name: str = "lapor", config: Path = CONFIG) -> list[str]:
    return [
        str(Path(sys.executable).with_name("rasa")),
        "train",
        "--config",
        str(config),
        "--domain",
        str(DOMAIN),
        "--data",
        *map(str, DATA),
        "--out",
        str(out_dir),
        "--fixed-model-name",
        fixed_name,
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="train even when the inputs did not change")
    args = parser.parse_args(argv)  # an unknown option or --help stops here, before minutes of training
    wanted = fingerprint()
    if not args.force and MODEL.exists() and FINGERPRINT.exists() and FINGERPRINT.read_text() == wanted:
        print("[train] model is up to date:", MODEL.relative_to(ROOT))
        return 0
    print("[train] training the Rasa model (a few minutes)...", flush=True)
    result = subprocess.run(train_command(), cwd=ROOT)
    if result.returncode != 0:
        print("[train] ERROR: rasa train failed", file=sys.stderr)
        return result.returncode
    FINGERPRINT.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
