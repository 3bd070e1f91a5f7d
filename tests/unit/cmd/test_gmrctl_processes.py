"""Unit tests of zaqar_lite.gmrctl.processes: recognising the target."""

import os
import subprocess
import time

import pytest

from zaqar_lite.gmrctl import errors
from zaqar_lite.gmrctl import processes


def wait_for(condition, timeout: float = 5.0) -> None:
    """Poll ``condition`` until it is true; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'condition never became true'
        time.sleep(0.01)


def _cmdline(pid: int):
    """read_cmdline, or None while the process has none to show."""
    try:
        return processes.read_cmdline(pid)
    except errors.GmrError:
        return None


def test_is_server_accepts_the_script_and_the_module():
    assert processes.is_server(['/usr/bin/python3',
                                '/venv/bin/zaqar-lite-server', '-d'])
    assert processes.is_server(['python', '-m', 'zaqar_lite.cmd.server'])
    assert not processes.is_server(['sleep', '100'])
    assert processes.is_server(['/venv/bin/zaqar-lite-server'])
    assert not processes.is_server(['vi', 'zaqar-lite-server'])
    assert not processes.is_server(['python3', 'tool.py', 'zaqar-lite-server'])
    assert not processes.is_server([])


def test_read_cmdline_of_a_real_process_and_of_none():
    proc = subprocess.Popen(['sleep', '30'])
    try:
        # Until exec() completes the child shows its parent's command line.
        wait_for(lambda: _cmdline(proc.pid) == ['sleep', '30'])
    finally:
        proc.kill()
        proc.wait()
    with pytest.raises(errors.GmrError, match='no process with pid'):
        processes.read_cmdline(proc.pid)


def test_is_uwsgi_by_its_program():
    assert processes.is_uwsgi(['/usr/bin/uwsgi', '--ini', 'etc/uwsgi.ini'])
    assert not processes.is_uwsgi(['python', 'uwsgi'])
    assert not processes.is_uwsgi([])


def test_uwsgi_workers_of_a_process_without_workers_is_itself():
    assert processes.uwsgi_workers(os.getpid()) == [os.getpid()]


def test_check_server_refuses_other_processes():
    with pytest.raises(errors.GmrError, match='is not a zaqar-lite-server'):
        processes.check_server(os.getpid())


def test_server_config_resolves_paths_against_its_directory(tmp_path):
    proc = subprocess.Popen(['sleep', '30'], cwd=tmp_path)
    try:
        files, dirs = processes.server_config(proc.pid, [
            'zaqar-lite-server', '--config-file', 'a.conf',
            '--config-file=/etc/b.conf', '--config-dir', 'conf.d'])
    finally:
        proc.kill()
        proc.wait()
    assert files == [str(tmp_path / 'a.conf'), '/etc/b.conf']
    assert dirs == [str(tmp_path / 'conf.d')]


def test_stderr_file_must_be_a_regular_file(tmp_path):
    with open(tmp_path / 'err', 'w') as err:
        to_file = subprocess.Popen(['sleep', '30'], stderr=err)
    to_pipe = subprocess.Popen(['sleep', '30'], stderr=subprocess.PIPE)
    try:
        link = processes.stderr_file(to_file.pid)
        assert os.readlink(link) == str(tmp_path / 'err')
        with pytest.raises(errors.GmrError, match='not a file'):
            processes.stderr_file(to_pipe.pid)
    finally:
        for proc in (to_file, to_pipe):
            proc.kill()
            proc.wait()


def test_find_server_pids_finds_none_for_an_unused_config(tmp_path):
    assert processes.find_server_pids(str(tmp_path / 'none.conf')) == []
