"""The file trigger: waits for a missing file, survives delete + re-create.
"""

import os
import stat

from gmr.triggers import file as file_trigger
import gmr_testlib

INTERVAL = 0.02


class _Watch:
    """A running file trigger and the number of wake-ups it caused."""

    def __init__(self, path):
        self.wakes = 0
        self.trigger = file_trigger.FileTrigger(str(path), INTERVAL,
                                                self._wake)
        self.trigger.start()

    def _wake(self):
        self.wakes += 1

    def expect(self, count):
        """Wait until exactly ``count`` requests were made."""
        assert gmr_testlib.wait_for(
            lambda: self.trigger.requested >= count, timeout=3)
        assert self.trigger.requested == count
        assert self.wakes == count

    def settled(self):
        """Wait for three more polls, so that a missed change would show."""
        target = self.trigger.polls + 3
        assert gmr_testlib.wait_for(lambda: self.trigger.polls >= target)


def _bump_mtime(path, seconds):
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


def test_missing_file_is_waited_for_and_its_creation_triggers(tmp_path):
    path = tmp_path / 'trigger'
    watch = _Watch(path)
    try:
        watch.settled()
        watch.expect(0)
        path.write_text('')
        watch.expect(1)
    finally:
        watch.trigger.stop()


def test_touch_delete_and_re_create_each_work(tmp_path):
    path = tmp_path / 'trigger'
    path.write_text('')
    watch = _Watch(path)
    try:
        watch.settled()
        watch.expect(0)
        _bump_mtime(path, 1)
        watch.expect(1)
        path.unlink()
        watch.settled()
        watch.expect(1)
        path.write_text('')
        watch.expect(2)
        _bump_mtime(path, 2)
        watch.expect(3)
    finally:
        watch.trigger.stop()


def test_a_change_of_size_or_inode_alone_triggers(tmp_path):
    path = tmp_path / 'trigger'
    path.write_text('')
    watch = _Watch(path)
    try:
        watch.settled()
        st = os.stat(path)
        path.write_text('more')
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        watch.expect(1)
        other = tmp_path / 'other'
        other.write_text('more')
        os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.rename(other, path)
        watch.expect(2)
    finally:
        watch.trigger.stop()


def test_watcher_survives_errors(tmp_path, capfd):
    blocker = tmp_path / 'dir'
    blocker.write_text('')  # a file where a directory is needed
    watch = _Watch(blocker / 'trigger')
    try:
        watch.settled()
        assert 'cannot stat trigger file' in capfd.readouterr().err
        blocker.unlink()
        blocker.mkdir()
        (blocker / 'trigger').write_text('')
        watch.expect(1)
        assert watch.trigger._thread.is_alive()
    finally:
        watch.trigger.stop()


def test_stop_ends_the_watcher_thread(tmp_path):
    watch = _Watch(tmp_path / 'trigger')
    watch.trigger.stop()
    assert not watch.trigger._thread.is_alive()


def test_ensure_trigger_file_creates_it_private_and_keeps_an_old_one(
        tmp_path):
    path = tmp_path / 'trigger'
    file_trigger.ensure_trigger_file(str(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    path.write_text('kept')
    file_trigger.ensure_trigger_file(str(path))
    assert path.read_text() == 'kept'
