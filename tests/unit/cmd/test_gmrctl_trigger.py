"""Unit tests of zaqar_lite.gmrctl.trigger: touching and signalling."""

import os
import subprocess

import pytest

from zaqar_lite.gmrctl import errors
from zaqar_lite.gmrctl import trigger


def test_touch_creates_a_private_file_then_changes_its_mtime(tmp_path):
    path = tmp_path / 'trigger'
    trigger.touch(str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    os.utime(path, (1000, 1000))
    trigger.touch(str(path))
    assert path.stat().st_mtime > 1000
    with pytest.raises(errors.GmrError, match='cannot touch'):
        trigger.touch(str(tmp_path / 'no' / 'trigger'))


def test_send_signal_to_no_process():
    proc = subprocess.Popen(['true'])
    proc.wait()
    with pytest.raises(errors.GmrError, match='no process with pid'):
        trigger.send_signal(proc.pid)
