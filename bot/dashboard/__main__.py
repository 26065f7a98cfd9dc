"""The monev dashboard's commands.

    python -m bot.dashboard                    # serve, keeping the projection current
    python -m bot.dashboard backfill           # rebuild the projection from LAPOR and the activity stream
    python -m bot.dashboard users add NAME --role koordinator
    python -m bot.dashboard users add NAME --role penghubung --agency dinas-pupr-kota-bandung
    python -m bot.dashboard users disable NAME | enable NAME | list

A new account's password is asked on the terminal, or read from standard input with --password-stdin.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys

import redis.asyncio as aioredis
from aiohttp import web

from bot.dashboard.accounts import ROLES, AccountError, Accounts
from bot.dashboard.config import DashboardSettings
from bot.dashboard.projection import Projection
from bot.dashboard.web import create_app
from lapor_client import LaporClient

log = logging.getLogger("bot.dashboard")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.dashboard", description="The LAPOR! monev dashboard."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the dashboard (the default)")
    commands.add_parser("backfill", help="rebuild the projection from LAPOR's API and the activity stream")
    users = commands.add_parser("users", help="admin accounts").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--agency", help="the agency id of a penghubung")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for action in ("disable", "enable"):
        users.add_parser(action, help=f"{action} an account").add_argument("username")
    users.add_parser("list", help="list the accounts")
    return parser


async def serve(settings: DashboardSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    redis = aioredis.from_url(settings.redis_url)
    try:
        async with LaporClient() as lapor:
            runner = web.AppRunner(create_app(settings, redis, lapor), access_log=None)
            await runner.setup()
            await web.TCPSite(runner, settings.host, settings.port).start()
            log.info("dashboard on http://%s:%d", settings.host, settings.port)
            await stop.wait()
            await runner.cleanup()
    finally:
        await redis.close()


async def backfill(settings: DashboardSettings) -> int:
    redis = aioredis.from_url(settings.redis_url)
    try:
        async with LaporClient() as lapor:
            projection = Projection(redis, lapor)
            await projection.reset()
            read = await projection.sync_once()
            return read
    finally:
        await redis.close()


async def users(args: argparse.Namespace, settings: DashboardSettings) -> None:
    redis = aioredis.from_url(settings.redis_url)
    accounts = Accounts(redis)
    try:
        if args.action == "add":
            password = (
                sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Kata sandi: ")
            )
            admin = await accounts.add(args.username.lower(), password, args.role, args.agency)
            print(f"akun {admin.username} ({admin.role}) dibuat")
        elif args.action in ("disable", "enable"):
            await accounts.set_disabled(args.username.lower(), args.action == "disable")
            print(f"akun {args.username} {'dinonaktifkan' if args.action == 'disable' else 'diaktifkan'}")
        else:
            for admin, disabled in await accounts.list():
                print(
                    "\t".join(
                        [
                            admin.username,
                            admin.role,
                            admin.agency_id or "-",
                            "nonaktif" if disabled else "aktif",
                        ]
                    )
                )
    finally:
        await redis.close()


def main() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = _parser().parse_args()
    settings = DashboardSettings.from_env()
    try:
        if args.command == "backfill":
            print(f"proyeksi dibangun ulang: {asyncio.run(backfill(settings))} entri dibaca")
        elif args.command == "users":
            asyncio.run(users(args, settings))
        else:
            asyncio.run(serve(settings))
    except AccountError as error:
        sys.exit(str(error))


if __name__ == "__main__":
    main()
