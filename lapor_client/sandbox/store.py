"""The sandbox's state and the report lifecycle, kept in one JSON file (atomic writes) in the data dir.

Reports, events, replies, attachments and idempotency keys all survive a restart; uploaded files
live beside the JSON file in `attachments/`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

from lokal import add_working_days

from lapor_client.sandbox import seed
from lapor_client.sandbox.validation import ApiError, invalid

log = logging.getLogger(__name__)

WIB = timezone(timedelta(hours=7), "WIB")  # Asia/Jakarta: no daylight saving time

# Which status may follow which; completed and archived are final.
TRANSITIONS = {
    "submitted": {"verified", "archived"},
    "verified": {"forwarded", "archived"},
    "forwarded": {"followed_up", "completed", "archived"},
    "followed_up": {"forwarded", "completed", "archived"},
}
FINAL = {"completed", "archived"}
# Working days allowed for the next step once a report reaches a status: verification and forwarding (3),
# the agency's follow-up (5), closing as selesai when nobody replies to a follow-up (10).
DUE_WORKING_DAYS = {"submitted": 3, "forwarded": 5, "followed_up": 10}
STATUS_MESSAGES = {
    "submitted": "Laporan diterima dan menunggu verifikasi admin LAPOR!.",
    "verified": "Laporan telah diverifikasi oleh admin LAPOR!.",
    "forwarded": "Laporan telah diteruskan (didisposisikan) ke instansi berwenang.",
    "followed_up": "Instansi telah memberikan tindak lanjut.",
    "completed": "Laporan dinyatakan selesai.",
    "archived": "Laporan diarsipkan.",
}


def now() -> datetime:
    return datetime.now(WIB).replace(microsecond=0)


def due_after(moment: datetime, working_days: int) -> datetime:
    """The same time of day, `working_days` Indonesian working days later (weekends, holidays and cuti bersama
    off).

    For a year whose holidays lokal does not know yet (they are decreed the year before), only weekends count.
    """
    try:
        day = add_working_days(moment.date(), working_days)
    except ValueError:
        log.warning(
            "no Indonesian holiday calendar after %s yet: due date counts weekends only", moment.date()
        )
        day = moment.date()
        for _ in range(working_days):
            day += timedelta(days=1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
    return datetime.combine(day, moment.timetz())


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class Store:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.files_dir = self.data_dir / "attachments"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._path = self.data_dir / "sandbox.json"
        self.categories = {c["id"]: c for c in seed.CATEGORIES}
        self.agencies = {a["id"]: a for a in seed.agencies()}
        self._state: dict[str, Any] = {
            "reports": {},
            "events": [],
            "replies": {},
            "attachments": {},
            "idempotency": {},
        }
        if self._path.exists():
            self._state.update(json.loads(self._path.read_text(encoding="utf-8")))

    def _save(self) -> None:
        tmp = self._path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            json.dump(self._state, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._path)

    # ---- idempotency: the same key with the same body answers the first answer again ----

    def _replay(self, scope: str, key: Optional[str], payload: Any) -> Optional[dict[str, Any]]:
        entry = self._state["idempotency"].get(f"{scope} {key}") if key else None
        if entry is None:
            return None
        if entry["fingerprint"] != fingerprint(payload):
            raise ApiError(
                409, "idempotency_key_reused", "Idempotency-Key ini sudah dipakai untuk permintaan lain"
            )
        return entry["answer"]

    def _remember(self, scope: str, key: Optional[str], payload: Any, answer: dict[str, Any]) -> None:
        if key:
            self._state["idempotency"][f"{scope} {key}"] = {
                "fingerprint": fingerprint(payload),
                "answer": answer,
            }

    # ---- reference data ----

    def agencies_for(self, region_code: Optional[str]) -> list[dict[str, Any]]:
        """All agencies, or those of the region and the regions it belongs to (32.73 → 32.73 and 32)."""
        if region_code is None:
            return list(self.agencies.values())
        return [
            a
            for a in self.agencies.values()
            if a["region_code"] and (region_code + ".").startswith(a["region_code"] + ".")
        ]

    def _check_refs(self, fields: dict[str, Any]) -> None:
        if fields.get("category_id") is not None and fields["category_id"] not in self.categories:
            raise invalid("category_id", "category_id tidak dikenal")
        if fields.get("agency_id") is not None and fields["agency_id"] not in self.agencies:
            raise invalid("agency_id", "agency_id tidak dikenal")
        for attachment_id in fields.get("attachment_ids", ()):
            if attachment_id not in self._state["attachments"]:
                raise invalid("attachment_ids", f"lampiran {attachment_id[:40]} tidak dikenal")

    # ---- attachments ----

    def add_attachment(self, staged: Path, meta: dict[str, Any], key: Optional[str]) -> dict[str, Any]:
        """Keeps a received, checked file under a new attachment id; the caller removes what is left."""
        answer = self._replay("attachments", key, meta)
        if answer is not None:
            return answer
        attachment_id = "att-" + os.urandom(8).hex()
        os.replace(staged, self.files_dir / attachment_id)
        answer = {"attachment_id": attachment_id, **meta}
        self._state["attachments"][attachment_id] = answer
        self._remember("attachments", key, meta, answer)
        self._save()
        return answer

    # ---- reports ----

    def require(self, tracking_id: str) -> dict[str, Any]:
        report = self._state["reports"].get(tracking_id)
        if report is None:
            raise ApiError(404, "not_found", "laporan tidak ditemukan")
        return report

    def _new_tracking_id(self) -> str:
        while True:
            tracking_id = str(random.randint(1_000_000, 9_999_999))
            if tracking_id not in self._state["reports"]:
                return tracking_id

    def create_report(self, fields: dict[str, Any], key: Optional[str]) -> dict[str, Any]:
        answer = self._replay("reports", key, fields)
        if answer is not None:
            return answer
        self._check_refs(fields)
        moment = now()
        tracking_id = self._new_tracking_id()
        self._state["reports"][tracking_id] = {
            **fields,
            "tracking_id": tracking_id,
            "status": "submitted",
            "rating": None,
            "created_at": moment.isoformat(),
            "updated_at": moment.isoformat(),
            "due_at": due_after(moment, DUE_WORKING_DAYS["submitted"]).isoformat(),
        }
        self._append_event(tracking_id, "status_changed", "submitted", STATUS_MESSAGES["submitted"], moment)
        answer = {"tracking_id": tracking_id, "status": "submitted", "created_at": moment.isoformat()}
        self._remember("reports", key, fields, answer)
        self._save()
        return answer

    def report_view(self, tracking_id: str) -> dict[str, Any]:
        report = self.require(tracking_id)
        return {
            "tracking_id": tracking_id,
            "status": report["status"],
            "classification": report["classification"],
            "title": report["title"],
            "category": self.categories.get(report["category_id"]),
            "agency": self.agencies.get(report["agency_id"]),
            "created_at": report["created_at"],
            "updated_at": report["updated_at"],
            "due_at": report["due_at"],
            "events": [e for e in self._state["events"] if e["tracking_id"] == tracking_id],
        }

    def add_reply(self, tracking_id: str, fields: dict[str, Any], key: Optional[str]) -> dict[str, Any]:
        report = self.require(tracking_id)
        scope = f"replies {tracking_id}"
        answer = self._replay(scope, key, fields)
        if answer is not None:
            return answer
        if report["status"] in FINAL:
            raise ApiError(409, "report_closed", "laporan sudah ditutup dan tidak menerima balasan")
        self._check_refs(fields)
        own_events = {e["event_id"] for e in self._state["events"] if e["tracking_id"] == tracking_id}
        if fields["in_reply_to"] is not None and fields["in_reply_to"] not in own_events:
            raise invalid("in_reply_to", "in_reply_to bukan event_id dari laporan ini")
        moment = now()
        answer = {"reply_id": "rep-" + os.urandom(8).hex()}
        self._state["replies"].setdefault(tracking_id, []).append(
            {**answer, **fields, "created_at": moment.isoformat()}
        )
        if report["status"] == "followed_up":  # a citizen's reply keeps a followed-up report open
            report["due_at"] = due_after(moment, DUE_WORKING_DAYS["followed_up"]).isoformat()
        report["updated_at"] = moment.isoformat()
        self._remember(scope, key, fields, answer)
        self._save()
        return answer

    def replies(self, tracking_id: str) -> list[dict[str, Any]]:
        self.require(tracking_id)
        return self._state["replies"].get(tracking_id, [])

    def rate(self, tracking_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        report = self.require(tracking_id)
        report["rating"] = fields
        self._save()
        return {"tracking_id": tracking_id, **fields}

    # ---- the admin's and the agency's side ----

    def _moment(self, report: dict[str, Any], at: Optional[datetime]) -> datetime:
        """Now, or the admin's explicit `at` (to replay a past lifecycle): never before the report's last
        change, never in the future."""
        if at is None:
            return now()
        moment = at.astimezone(WIB).replace(microsecond=0)
        if not datetime.fromisoformat(report["updated_at"]) <= moment <= now():
            raise invalid("at", "at harus antara perubahan terakhir laporan dan sekarang")
        return moment

    def backdate(self, tracking_id: str, at: datetime) -> dict[str, Any]:
        """Moves a just-filed report's filing time into the past, so a test can replay months of lifecycle."""
        report = self.require(tracking_id)
        own_events = [e for e in self._state["events"] if e["tracking_id"] == tracking_id]
        if report["status"] != "submitted" or len(own_events) != 1:
            raise ApiError(
                409, "invalid_transition", "hanya laporan yang baru diajukan yang dapat dimundurkan"
            )
        moment = at.astimezone(WIB).replace(microsecond=0)
        if moment > now():
            raise invalid("at", "at tidak boleh di masa depan")
        report["created_at"] = report["updated_at"] = own_events[0]["at"] = moment.isoformat()
        report["due_at"] = due_after(moment, DUE_WORKING_DAYS["submitted"]).isoformat()
        self._save()
        return self.report_view(tracking_id)

    def transition(
        self,
        tracking_id: str,
        status: str,
        message: Optional[str] = None,
        agency_id: Optional[str] = None,
        at: Optional[datetime] = None,
    ) -> dict[str, Any]:
        report = self.require(tracking_id)
        if status not in TRANSITIONS.get(report["status"], ()):
            raise ApiError(
                409, "invalid_transition", f"status {report['status']} tidak dapat menjadi {status}", "status"
            )
        if agency_id is not None:
            self._check_refs({"agency_id": agency_id})
            report["agency_id"] = agency_id
        if status == "forwarded" and report["agency_id"] is None:
            raise invalid("agency_id", "laporan harus diteruskan ke sebuah instansi (agency_id)")
        moment = self._moment(report, at)
        report["status"] = status
        if status in FINAL:
            report["due_at"] = None
        elif status in DUE_WORKING_DAYS:
            report["due_at"] = due_after(moment, DUE_WORKING_DAYS[status]).isoformat()
        report["updated_at"] = moment.isoformat()
        kind = "closed" if status in FINAL else "follow_up" if status == "followed_up" else "status_changed"
        self._append_event(tracking_id, kind, status, message or STATUS_MESSAGES[status], moment)
        self._save()
        return self.report_view(tracking_id)

    def follow_up(self, tracking_id: str, message: str, at: Optional[datetime] = None) -> dict[str, Any]:
        """The agency posts its tindak lanjut; it may post more than one."""
        status = self.require(tracking_id)["status"]
        if status not in ("forwarded", "followed_up"):
            raise ApiError(
                409, "invalid_transition", f"laporan berstatus {status} belum diteruskan ke instansi"
            )
        if status == "followed_up":
            return self._note(tracking_id, "follow_up", message, at)
        return self.transition(tracking_id, "followed_up", message, at=at)

    def clarification(self, tracking_id: str, message: str, at: Optional[datetime] = None) -> dict[str, Any]:
        """The admin or the agency asks the citizen for more information; the status stays."""
        if self.require(tracking_id)["status"] in FINAL:
            raise ApiError(409, "report_closed", "laporan sudah ditutup")
        return self._note(tracking_id, "clarification_requested", message, at)

    def _note(
        self, tracking_id: str, kind: str, message: str, at: Optional[datetime] = None
    ) -> dict[str, Any]:
        report = self.require(tracking_id)
        moment = self._moment(report, at)
        report["updated_at"] = moment.isoformat()
        self._append_event(tracking_id, kind, report["status"], message, moment)
        self._save()
        return self.report_view(tracking_id)

    def advance_all(self) -> int:
        """One lifecycle step for every open report, for demos: how many moved."""
        moved = 0
        for tracking_id, report in list(self._state["reports"].items()):
            status = report["status"]
            if status == "submitted":
                self.transition(tracking_id, "verified")
            elif status == "verified":
                self.transition(
                    tracking_id, "forwarded", agency_id=report["agency_id"] or self._agency_near(report)
                )
            elif status == "forwarded" and not self._has_event(tracking_id, "clarification_requested"):
                self.clarification(
                    tracking_id, "Mohon lengkapi laporan dengan alamat lengkap dan foto lokasi."
                )
            elif status == "forwarded":
                self.follow_up(
                    tracking_id, "Laporan sudah kami tindak lanjuti. Petugas telah diturunkan ke lokasi."
                )
            elif status == "followed_up":
                self.transition(tracking_id, "completed")
            else:
                continue
            moved += 1
        return moved

    def _agency_near(self, report: dict[str, Any]) -> str:
        """The local government closest to the report's region, else LAPOR!'s default agency."""
        region = (report.get("location") or {}).get("region_code")
        local = (
            [a for a in self.agencies_for(region) if a["id"].startswith(("pem-", "pemprov-"))]
            if region
            else []
        )
        return max(local, key=lambda a: len(a["region_code"]))["id"] if local else seed.DEFAULT_AGENCY_ID

    def _has_event(self, tracking_id: str, kind: str) -> bool:
        return any(e["tracking_id"] == tracking_id and e["type"] == kind for e in self._state["events"])

    # ---- the events feed ----

    def _append_event(self, tracking_id: str, kind: str, status: str, message: str, moment: datetime) -> None:
        events = self._state["events"]
        events.append(
            {
                "event_id": len(events) + 1,
                "tracking_id": tracking_id,
                "type": kind,
                "status": status,
                "message": message,
                "at": moment.isoformat(),
            }
        )

    def events_after(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Events with an event_id above `after`; event ids are 1, 2, 3… in order, so this is a slice."""
        return self._state["events"][after : after + limit]
