"""The ids common/keys.py builds besides keys (the Redis map itself is checked in tests/test_layout.py)."""

from __future__ import annotations

from common import keys


def test_a_notifier_job_id_names_its_event_and_its_follower():
    job_id = keys.notifier_job_id(4711, "whatsapp:6281234567890")
    assert job_id == "4711:whatsapp:6281234567890"
    assert keys.notifier_job_sender(job_id) == "whatsapp:6281234567890"
