"""Exceptions of the LAPOR client, one per thing a caller can act on.

The API answers errors as `{"error": {"code", "message", "field"?}}`; `error_from_response` maps the
HTTP status of such an answer to the matching exception. Messages are for developers and never
carry the token.
"""

from __future__ import annotations

from typing import Any


class LaporError(Exception):
    """Any failure of a LAPOR call. `status` is the HTTP status, or None when no answer came."""

    def __init__(
        self, message: str, *, status: int | None = None, code: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field


class LaporNotFound(LaporError):
    """The report (or another resource) does not exist."""


class LaporValidationError(LaporError):
    """The request was refused as invalid; `field` names the offending field when the API said."""


class LaporUnauthorized(LaporError):
    """The token is missing, wrong or expired."""


class LaporConflict(LaporError):
    """The call does not fit the resource's state, or an Idempotency-Key was reused for another body."""


class LaporPayloadTooLarge(LaporError):
    """The API refused an upload as too large."""


class LaporRateLimited(LaporError):
    """Too many calls; try again after `retry_after` seconds (None when the API did not say)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class LaporUnavailable(LaporError):
    """The API could not be reached or kept failing (5xx, timeouts, connection errors) after retries."""


class AttachmentRejected(LaporError):
    """A file was refused before sending: `reason` is "type" (not an allowed type) or "size"."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


_BY_STATUS: dict[int, type[LaporError]] = {
    400: LaporValidationError,
    401: LaporUnauthorized,
    403: LaporUnauthorized,
    404: LaporNotFound,
    409: LaporConflict,
    413: LaporPayloadTooLarge,
    422: LaporValidationError,
    429: LaporRateLimited,
}


def redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "[token]") if secret else text


def error_from_response(
    status: int, body: Any, *, what: str, retry_after: float | None = None, secret: str | None = None
) -> LaporError:
    """The exception for an error answer; `what` names the call (e.g. "GET /api/v1/categories").

    `secret` (the token) is masked should the server ever echo it in its message.
    """
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = str(error.get("code") or f"http_{status}")
    message = redact(f"{what}: {status} {code}: {error.get('message') or 'no error message'}", secret)
    field = error.get("field") if isinstance(error.get("field"), str) else None
    kind = _BY_STATUS.get(status, LaporUnavailable if status >= 500 else LaporError)
    kwargs: dict[str, Any] = {"status": status, "code": code, "field": field}
    if kind is LaporRateLimited:
        kwargs["retry_after"] = retry_after
    return kind(message, **kwargs)
