"""Runs the sandbox:

python -m lapor_client.sandbox --host 127.0.0.1 --port 8090 [--data-dir run/sandbox] [--auto-advance 30]
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from aiohttp import web

from lapor_client.sandbox.app import SandboxConfig, create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m lapor_client.sandbox", description="LAPOR API sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LAPOR_SANDBOX_PORT", "8090")))
    parser.add_argument("--data-dir", type=Path, default=Path("run/sandbox"))
    parser.add_argument("--max-upload-bytes", type=int, default=20 * 1024 * 1024)
    parser.add_argument(
        "--slow-delay", type=float, default=5.0, help="seconds the `slow` fault delays each answer"
    )
    parser.add_argument(
        "--auto-advance",
        type=float,
        metavar="SECONDS",
        help="move every open report one lifecycle step this often",
    )
    args = parser.parse_args()
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = SandboxConfig(
        data_dir=args.data_dir,
        token=os.environ.get("LAPOR_TOKEN", "").strip() or "sandbox",
        max_upload_bytes=args.max_upload_bytes,
        slow_delay=args.slow_delay,
        auto_advance=args.auto_advance,
    )
    logging.getLogger(__name__).info(
        "LAPOR sandbox on http://%s:%d, data in %s", args.host, args.port, args.data_dir
    )
    web.run_app(
        create_app(config), host=args.host, port=args.port, print=None, access_log=None, shutdown_timeout=2
    )


if __name__ == "__main__":
    main()
