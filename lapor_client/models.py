"""Typed requests and answers of the LAPOR API (docs/contracts.md, "LAPOR API")."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Optional

from lapor_client.plain_text import plain

Classification = Literal["pengaduan", "aspirasi", "permintaan_informasi"]
Status = Literal["submitted", "verified", "forwarded", "followed_up", "completed", "archived"]
EventType = Literal["status_changed", "follow_up", "clarification_requested", "closed"]
# What LAPOR accepts as evidence, recognised by the file's content (magic bytes), never by its name.
# What LAPOR takes as evidence, by the type the file's bytes show (openapi.yaml, Attachment.content_type).
ATTACHMENT_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "application/pdf",
        "video/mp4",
        "video/quicktime",
        # Voice notes and audio: Ogg/Opus, AAC, AMR, M4A, MP3.
        "audio/ogg",
        "audio/aac",
        "audio/amr",
        "audio/mp4",
        "audio/mpeg",
        # Office documents.
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    parent_id: Optional[str] = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Category":
        return cls(id=data["id"], name=data["name"], parent_id=data.get("parent_id"))


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    level: str
    region_code: Optional[str] = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Agency":
        return cls(id=data["id"], name=data["name"], level=data["level"], region_code=data.get("region_code"))


@dataclass(frozen=True)
class Attachment:
    attachment_id: str
    filename: str
    content_type: str
    size: int
    sha256: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Attachment":
        return cls(
            **{name: data[name] for name in ("attachment_id", "filename", "content_type", "size", "sha256")}
        )


@dataclass(frozen=True)
class Location:
    lat: Optional[float] = None
    lon: Optional[float] = None
    address: Optional[str] = None
    region_code: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "address": plain(self.address, multiline=False) or None}


@dataclass(frozen=True)
class Reporter:
    name: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    channel: Optional[str] = None
    channel_user_id: Optional[str] = None


@dataclass(frozen=True)
class NewReport:
    classification: Classification
    title: str
    body: str
    incident_date: date
    location: Optional[Location] = None
    category_id: Optional[str] = None
    agency_id: Optional[str] = None
    attachment_ids: tuple[str, ...] = ()
    anonymous: bool = False
    confidential: bool = False
    reporter: Optional[Reporter] = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "classification": self.classification,
            "title": plain(self.title, multiline=False),
            "body": plain(self.body),
            "incident_date": self.incident_date.isoformat(),
            "location": self.location.to_dict() if self.location else None,
            "category_id": self.category_id,
            "agency_id": self.agency_id,
            "attachment_ids": list(self.attachment_ids),
            "anonymous": self.anonymous,
            "confidential": self.confidential,
            "reporter": asdict(self.reporter) if self.reporter else None,
        }


@dataclass(frozen=True)
class CreatedReport:
    tracking_id: str
    status: Status
    created_at: datetime

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CreatedReport":
        return cls(
            tracking_id=data["tracking_id"],
            status=data["status"],
            created_at=datetime.fromisoformat(data["created_at"]),
        )


@dataclass(frozen=True)
class Event:
    event_id: int
    tracking_id: str
    type: EventType
    status: Status
    message: Optional[str]
    at: datetime

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Event":
        return cls(
            event_id=data["event_id"],
            tracking_id=data["tracking_id"],
            type=data["type"],
            status=data["status"],
            message=data.get("message"),
            at=datetime.fromisoformat(data["at"]),
        )


@dataclass(frozen=True)
class Report:
    tracking_id: str
    status: Status
    classification: Classification
    title: str
    category: Optional[Category]
    agency: Optional[Agency]
    created_at: datetime
    updated_at: datetime
    due_at: Optional[datetime]
    events: list[Event] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        return cls(
            tracking_id=data["tracking_id"],
            status=data["status"],
            classification=data["classification"],
            title=data["title"],
            category=Category.from_dict(data["category"]) if data.get("category") else None,
            agency=Agency.from_dict(data["agency"]) if data.get("agency") else None,
            created_at=datetime.fromisoformat(data["created_at"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
            due_at=datetime.fromisoformat(data["due_at"]) if data.get("due_at") else None,
            events=[Event.from_dict(e) for e in data.get("events", ())],
        )


@dataclass(frozen=True)
class EventsPage:
    events: list[Event]
    next_cursor: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "EventsPage":
        return cls(events=[Event.from_dict(e) for e in data["events"]], next_cursor=data["next_cursor"])
