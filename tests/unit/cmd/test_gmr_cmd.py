"""Unit tests of the ``zaqar-lite-gmr`` command line (zaqar_lite.cmd.gmr).
"""

import subprocess

import pytest

from zaqar_lite.cmd import gmr as gmr_cmd


def test_main_needs_a_pid_or_a_config_file(capsys):
    with pytest.raises(SystemExit) as exc:
        gmr_cmd.main([])
    assert exc.value.code == 2
    assert 'give the pid' in capsys.readouterr().err


def test_main_says_what_went_wrong_on_one_line(capsys):
    proc = subprocess.Popen(['true'])
    proc.wait()
    assert gmr_cmd.main([str(proc.pid)]) == 1
    out, err = capsys.readouterr()
    assert out == ''
    assert err == 'zaqar-lite-gmr: error: no process with pid %d\n' % (
        proc.pid)
