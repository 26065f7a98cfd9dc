"""Rasa's HTTP server answering only callers that know RASA_TOKEN.

`rasa run --auth-token` protects Rasa's API (trackers, events, `DELETE /model`) but not the channel
webhooks, so anyone who reaches the port could post as any citizen. Here every route but the greeting at
`/` needs the token (`?token=`, as Rasa's API takes it); the gateway and the notifier send it.
"""

from __future__ import annotations

import hmac
import inspect
import os

import rasa.core.run
from sanic import Sanic, response
from sanic.request import Request

OPEN_PATHS = frozenset({"/"})
original_configure_app = rasa.core.run.configure_app


def require_token(app: Sanic, token: str) -> None:
    expected = token.encode()

    @app.middleware("request")
    async def check_token(request: Request):
        if request.path in OPEN_PATHS:
            return None
        if not hmac.compare_digest(request.args.get("token", "").encode(), expected):
            return response.json({"status": "failure", "reason": "NotAuthenticated"}, status=401)
        return None


def _configure_app(*args, **kwargs) -> Sanic:
    token = os.environ.get("RASA_TOKEN", "")
    if not token:
        raise SystemExit("RASA_TOKEN is not set: Rasa's server refuses to run unauthenticated.")
    call = inspect.signature(original_configure_app).bind(*args, **kwargs)
    call.arguments["auth_token"] = token
    app = original_configure_app(*call.args, **call.kwargs)
    require_token(app, token)
    return app


rasa.core.run.configure_app = _configure_app
