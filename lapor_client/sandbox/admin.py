"""A CLI to play the LAPOR admin and the agency against the sandbox.

    python -m lapor_client.sandbox.admin transition 1234567 verified --message "Laporan diverifikasi"
    python -m lapor_client.sandbox.admin transition 1234567 forwarded --agency-id pem-kota-bandung
    python -m lapor_client.sandbox.admin clarification 1234567 "Mohon kirim foto lokasi"
    python -m lapor_client.sandbox.admin follow-up 1234567 "Perbaikan dijadwalkan minggu depan"
    python -m lapor_client.sandbox.admin replies 1234567
    python -m lapor_client.sandbox.admin fault slow --delay 5      # none | down | slow | flaky | ratelimit

The sandbox's address comes from --url, else LAPOR_BASE_URL, else http://127.0.0.1:8090.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

from lapor_client.errors import LaporError
from lapor_client.sandbox.admin_client import SandboxAdmin


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lapor_client.sandbox.admin",
        description="Play the LAPOR admin and the agency against the sandbox.",
    )
    parser.add_argument(
        "--url", default=os.environ.get("LAPOR_BASE_URL", "").strip() or "http://127.0.0.1:8090"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    transition = commands.add_parser("transition", help="move a report to another status")
    transition.add_argument("tracking_id")
    transition.add_argument(
        "status", choices=["verified", "forwarded", "followed_up", "completed", "archived"]
    )
    transition.add_argument("--message")
    transition.add_argument("--agency-id")
    for name, help_text in (
        ("clarification", "ask the citizen for more information"),
        ("follow-up", "post the agency's follow-up (tindak lanjut)"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("tracking_id")
        command.add_argument("message")
    replies = commands.add_parser("replies", help="show the citizen's replies")
    replies.add_argument("tracking_id")
    fault = commands.add_parser("fault", help="switch a fault on the /api calls")
    fault.add_argument("mode", choices=["none", "down", "slow", "flaky", "ratelimit"])
    fault.add_argument("--delay", type=float, help="seconds, for slow")
    fault.add_argument("--retry-after", type=int, help="seconds, for ratelimit")
    fault.add_argument("--times", type=int, help="switch off again after this many calls")
    return parser


async def _run(args: argparse.Namespace) -> Any:
    async with SandboxAdmin(args.url) as admin:
        if args.command == "transition":
            return await admin.transition(args.tracking_id, args.status, args.message, args.agency_id)
        if args.command == "clarification":
            return await admin.clarification(args.tracking_id, args.message)
        if args.command == "follow-up":
            return await admin.follow_up(args.tracking_id, args.message)
        if args.command == "replies":
            return await admin.replies(args.tracking_id)
        return await admin.set_fault(
            args.mode, delay=args.delay, retry_after=args.retry_after, times=args.times
        )


def main() -> None:
    args = _parser().parse_args()
    try:
        answer = asyncio.run(_run(args))
    except LaporError as error:
        sys.exit(str(error))
    print(json.dumps(answer, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
