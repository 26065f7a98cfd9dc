"""The action server process: rasa-sdk's server for this package's actions, local and authenticated.

    python -m actions.server [--port 5055]

rasa-sdk 3.6 binds 0.0.0.0 and runs any call it gets; here it binds ACTION_SERVER_HOST (127.0.0.1) and
runs only calls that carry ACTION_SERVER_TOKEN, which Rasa sends (dialogue/endpoints.yml). An action that
fails answers the citizen with an apology and no events, never with rasa-sdk's error answer, which
echoes the whole tracker (NIK, phone number, name) back into Rasa's log.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk import endpoint, utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request

from actions import clients
from actions.settings import ActionSettings
from common.media import MediaNotShared, require_shared_volume
from common.privacy import protect_logs

log = logging.getLogger(__name__)

ACTION_FAILED = "Maaf, terjadi gangguan di sistem kami. Mohon kirim ulang pesan Anda sebentar lagi."
OPEN_PATHS = frozenset({"/health"})
_run_action = ActionExecutor.run


async def _run_safely(self: ActionExecutor, action_call: dict) -> dict | None:
    try:
        return await _run_action(self, action_call)
    except (ActionExecutionRejection, ActionNotFoundException):
        raise  # rasa-sdk answers these itself, without the tracker
    except Exception as exc:
        log.error("action %s failed: %s", action_call.get("next_action"), type(exc).__name__)
        return {"events": [], "responses": [{"text": ACTION_FAILED}]}


def create_app(token: str) -> Sanic:
    app = endpoint.create_app("actions", cors_origins="")
    expected = f"Bearer {token}".encode()

    @app.middleware("request")
    async def require_token(request: Request):
        if request.path in OPEN_PATHS:
            return None
        if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    async def without_the_request_body(request: Request, exception: Exception):
        log.error("action server request failed: %s", type(exception).__name__)
        return response.json({"error": "internal error"}, status=500)

    app.error_handler.add(Exception, without_the_request_body)

    @app.listener("after_server_stop")
    async def close_clients(app: Sanic, loop) -> None:  # LAPOR's session and Redis's pool, cleanly
        await clients.reset()

    return app


def main() -> None:
    protect_logs()
    parser = argparse.ArgumentParser(description="The assistant's action server.")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    settings = ActionSettings.from_env()
    if not settings.token:
        raise SystemExit("ACTION_SERVER_TOKEN is not set: the action server refuses to run unauthenticated.")
    try:
        require_shared_volume(settings.redis_url, settings.media_dir)
    except MediaNotShared as exc:
        raise SystemExit(str(exc)) from None
    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    ActionExecutor.run = _run_safely
    app = create_app(settings.token)
    app.run(settings.host, args.port or settings.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
