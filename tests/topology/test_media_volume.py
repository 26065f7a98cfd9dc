"""Evidence received by one gateway must reach LAPOR from whichever action server or notifier sends the
report: every process checks at start that its MEDIA_DIR is the one shared volume (common/media.py)."""

from __future__ import annotations

import pytest

from common import keys
from common.media import VOLUME_MARKER, MediaNotShared, require_shared_volume


def test_the_first_process_names_the_volume_and_the_others_on_it_start(redis_sync, redis_url, tmp_path):
    shared = tmp_path / "shared"
    require_shared_volume(redis_url, shared)
    require_shared_volume(redis_url, shared)  # a second process on the same directory
    assert redis_sync.get(keys.MEDIA_VOLUME).decode() == (shared / VOLUME_MARKER).read_text()


def test_a_process_on_a_directory_of_its_own_refuses_to_start(redis_sync, redis_url, tmp_path):
    require_shared_volume(redis_url, tmp_path / "shared")
    with pytest.raises(MediaNotShared, match="missing"):
        require_shared_volume(redis_url, tmp_path / "own")
    # Not even by naming its own volume: another host's empty directory stays refused.
    assert not (tmp_path / "own" / VOLUME_MARKER).exists()


def test_a_directory_named_for_another_deployment_is_refused(redis_sync, redis_url, tmp_path):
    require_shared_volume(redis_url, tmp_path / "shared")
    other = tmp_path / "other"
    other.mkdir()
    (other / VOLUME_MARKER).write_text("someone-else")
    with pytest.raises(MediaNotShared, match="differs"):
        require_shared_volume(redis_url, other)
