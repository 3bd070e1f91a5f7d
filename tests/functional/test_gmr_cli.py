"""``zaqar-lite-gmr`` end to end, against real zaqar-lite-server processes.
"""

import json
import os
import re
import subprocess
import sys
import time

import pytest

from tests.functional import servers
from tests.functional import uwsgi_server
from tests.functional.test_gmr_server import FILE_NAME
from tests.functional.test_gmr_server import OPENING
from tests.functional.test_gmr_server import WSGI_SECTIONS
from tests.functional.test_gmr_server import report_files
from tests.functional.test_gmr_server import split_reports
from tests.functional.test_gmr_server import titles

LOG_LINE = re.compile(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ ')

#: A "server" that never reports: it ignores SIGUSR2 and sleeps.
SILENT_SERVER = '''\
import signal, sys, time
signal.signal(signal.SIGUSR2, signal.SIG_IGN)
sys.stderr.write('ready\\n')
sys.stderr.flush()
time.sleep(100)
'''


def gmr(*args, timeout: float = 30,
        cwd=None) -> subprocess.CompletedProcess:
    """Run the installed ``zaqar-lite-gmr`` with ``args``."""
    return subprocess.run(
        [servers.console_script('zaqar-lite-gmr')] + [str(a) for a in args],
        capture_output=True, text=True, timeout=timeout, cwd=cwd)


def assert_one_line_error(result, *words: str) -> None:
    """A non-zero exit with one clear line on stderr and nothing else."""
    assert result.returncode == 1
    assert result.stdout == ''
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith('zaqar-lite-gmr: error: ')
    for word in words:
        assert word in lines[0]


def assert_whole_report_of(stderr: str, printed: str) -> None:
    """``printed`` is in ``stderr`` and nothing of the report follows it
    (only the end, a log line or another report)."""
    assert printed in stderr
    rest = stderr.split(printed, 1)[1]
    assert rest == '' or rest.startswith(OPENING) or LOG_LINE.match(rest)


def test_by_pid_prints_the_report_from_its_stderr_file(tmp_path):
    with servers.ZaqarServer(tmp_path) as server:
        result = gmr(server.process.pid)
        second = gmr(server.process.pid)
        again = gmr(server.process.pid, '--path-only')
        assert servers.ping(server.port) == 204
        stderr = server.stderr()
    assert result.returncode == second.returncode == 0, result.stderr
    # Each run prints the report it asked for, never an older one.
    assert result.stdout != second.stdout
    assert titles(second.stdout) == WSGI_SECTIONS
    assert result.stdout.startswith(OPENING)
    assert titles(result.stdout) == WSGI_SECTIONS
    assert 'PID: %d\n' % server.process.pid in result.stdout
    assert_whole_report_of(stderr, result.stdout)
    assert again.stdout == '%s\n' % server.stderr_path
    assert stderr.count(OPENING) == 3


def test_websocket_mode_report_is_printed_whole(tmp_path):
    """Its sections differ (asyncio tasks, websocket connections)."""
    with servers.ZaqarServer(tmp_path, transport='websocket') as server:
        result = gmr(server.process.pid)
        stderr = server.stderr()
    assert result.returncode == 0, result.stderr
    got = titles(result.stdout)
    assert 'Asyncio Tasks' in got and 'Green Threads' not in got
    assert set(WSGI_SECTIONS) - {'Green Threads'} <= set(got)
    assert 'Run mode: websocket' in result.stdout
    assert_whole_report_of(stderr, result.stdout)


def test_by_pid_reads_log_dir_from_the_servers_config(tmp_path):
    log_dir = tmp_path / 'reports'  # missing: the server makes it
    options = {'oslo_reports': {'log_dir': log_dir}}
    with servers.ZaqarServer(tmp_path, options=options) as server:
        result = gmr(server.process.pid)
    path, = report_files(log_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == path.read_text()


def test_by_config_file_with_log_dir_prints_the_new_file(tmp_path):
    log_dir = tmp_path / 'reports'
    log_dir.mkdir()
    options = {'oslo_reports': {'log_dir': log_dir}}
    with servers.ZaqarServer(tmp_path, options=options) as server:
        first = gmr('--config-file', server.config_file, '--path-only')
        second = gmr('--config-file', server.config_file)
    assert first.returncode == 0, first.stderr
    paths = report_files(log_dir)
    assert len(paths) == 2
    assert first.stdout == '%s\n' % paths[0]
    assert FILE_NAME.match(paths[0].name).group(2) == str(
        server.process.pid)
    assert second.stdout == paths[1].read_text()
    assert titles(second.stdout) == WSGI_SECTIONS


def test_by_config_file_with_file_trigger_touches_it(tmp_path):
    trigger = tmp_path / 'trigger'
    options = {'oslo_reports': {'file_event_handler': trigger}}
    with servers.ZaqarServer(tmp_path, options=options) as server:
        started = time.monotonic()
        result = gmr('--config-file', server.config_file, '--timeout', 10)
        elapsed = time.monotonic() - started
        assert server.process.poll() is None
        assert servers.ping(server.port) == 204
    assert result.returncode == 0, result.stderr
    assert titles(result.stdout) == WSGI_SECTIONS
    assert result.stdout in server.stderr()
    assert trigger.exists() and (trigger.stat().st_mode & 0o777) == 0o600
    assert elapsed < 10


def test_json_report_on_stderr_is_printed_whole(tmp_path):
    options = {'oslo_reports': {'format': 'json'}}
    with servers.ZaqarServer(tmp_path, options=options) as server:
        result = gmr(server.process.pid)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report['header']['pid'] == server.process.pid
    assert [s['title'] for s in report['sections']] == WSGI_SECTIONS


def test_nonexistent_pid_is_a_clear_error(tmp_path):
    proc = subprocess.Popen(['true'])
    proc.wait()  # a pid that existed and is gone now
    result = gmr(proc.pid, '--timeout', 1)
    assert_one_line_error(result, 'no process with pid %d' % proc.pid)


def test_process_that_is_not_a_server_is_refused_unharmed(tmp_path):
    sleeper = subprocess.Popen(['sleep', '100'])
    try:
        started = time.monotonic()
        result = gmr(sleeper.pid, '--timeout', 1)
        assert time.monotonic() - started < 10
        assert sleeper.poll() is None  # never signalled
    finally:
        sleeper.kill()
        sleeper.wait()
    assert_one_line_error(result, 'process %d is not a zaqar-lite-server'
                          % sleeper.pid, 'sleep 100')


@pytest.fixture
def silent_server(tmp_path):
    """A process named zaqar-lite-server, stderr in a file, that never
    reports."""
    script = tmp_path / 'zaqar-lite-server'
    script.write_text(SILENT_SERVER)
    stderr = tmp_path / 'stderr.log'
    with open(stderr, 'w') as stream:
        proc = subprocess.Popen([sys.executable, str(script)],
                                stderr=stream)
    servers.wait_for(lambda: stderr.read_text() == 'ready\n', 10,
                     'the silent process to start')
    yield proc
    proc.kill()
    proc.wait()


def test_server_that_never_reports_times_out_clearly(silent_server):
    started = time.monotonic()
    result = gmr(silent_server.pid, '--timeout', 1)
    elapsed = time.monotonic() - started
    assert_one_line_error(result, 'no report from process %d within 1 s'
                          % silent_server.pid)
    assert elapsed < 1 + 5  # the timeout, plus the interpreter's start
    assert silent_server.poll() is None


def test_stderr_that_is_not_a_file_is_a_clear_error(tmp_path):
    script = tmp_path / 'zaqar-lite-server'
    script.write_text(SILENT_SERVER)
    proc = subprocess.Popen([sys.executable, str(script)],
                            stderr=subprocess.PIPE)
    try:
        assert proc.stderr.readline() == b'ready\n'
        result = gmr(proc.pid, '--timeout', 1)
    finally:
        proc.kill()
        proc.wait()
    assert_one_line_error(result, 'not a file', 'log_dir')


def test_config_file_without_a_running_server_is_a_clear_error(tmp_path):
    config = tmp_path / 'zaqar-lite.conf'
    servers.write_config(config, {'oslo_reports': {}})
    assert_one_line_error(gmr('--config-file', config),
                          'no zaqar-lite-server is running with')
    missing = gmr('--config-file', tmp_path / 'missing.conf')
    assert_one_line_error(missing, 'cannot read configuration')


def test_no_arguments_is_a_usage_error():
    result = gmr()
    assert result.returncode == 2
    assert 'give the pid of the server or its --config-file' in (
        result.stderr)


# uWSGI: every worker reports.

@pytest.fixture(scope='module')
def uwsgi(tmp_path_factory):
    """uWSGI running the shipped ini and configuration (two workers)."""
    with uwsgi_server.UWSGIServer(tmp_path_factory.mktemp('uwsgi')) as up:
        yield up


def worker_of(report: str) -> tuple[int, int]:
    """(worker id, pid) from a report's header."""
    head = dict(re.findall(r'^(Worker ID|PID): (\d+)$', report, re.M))
    return int(head['Worker ID']), int(head['PID'])


def test_uwsgi_master_pid_gets_a_report_from_each_worker(uwsgi):
    conf = uwsgi.root / 'etc' / 'zaqar-lite-uwsgi.conf'
    result = gmr(uwsgi.process.pid, '--config-file', conf)
    assert result.returncode == 0, result.stderr
    reports = split_reports(result.stdout)
    assert sorted(map(worker_of, reports)) == sorted(
        uwsgi.worker_pids().items())
    for report in reports:
        assert 'Run mode: uwsgi' in report
        assert set(WSGI_SECTIONS) - {'Green Threads'} <= set(titles(report))
    paths = gmr(uwsgi.process.pid, '--config-file', conf, '--path-only')
    names = [os.path.basename(p) for p in paths.stdout.split()]
    assert sorted(n.rsplit('_', 2)[1:] for n in names) == sorted(
        [str(pid), 'w%d' % wid] for wid, pid in uwsgi.worker_pids().items())
    assert all((uwsgi.reports_dir / n).exists() for n in names)
    assert uwsgi.process.poll() is None and servers.ping(uwsgi.port) == 204


def test_uwsgi_by_config_file_takes_every_new_report(uwsgi):
    result = gmr('--config-file', 'etc/zaqar-lite-uwsgi.conf',
                 cwd=uwsgi.root)
    assert result.returncode == 0, result.stderr
    assert sorted(map(worker_of, split_reports(result.stdout))) == sorted(
        uwsgi.worker_pids().items())


def test_uwsgi_without_log_dir_reads_the_uwsgi_log(tmp_path):
    """Without log_dir each worker reports to uWSGI's log (a file)."""
    server = uwsgi_server.UWSGIServer(tmp_path)
    conf = server.root / 'etc' / 'zaqar-lite-uwsgi.conf'
    conf.write_text(re.sub(r'(?m)^log_dir = .*$', '', conf.read_text()))
    with server:
        result = gmr(server.process.pid, '--config-file', conf)
        paths = gmr(server.process.pid, '--config-file', conf,
                    '--path-only')
        log = server.log()
    assert result.returncode == 0, result.stderr
    reports = split_reports(result.stdout)
    assert sorted(map(worker_of, reports)) == sorted(
        server.worker_pids().items())
    for report in reports:
        assert report in log
    assert paths.stdout == '%s\n' % server.log_path
    assert not server.reports_dir.exists() or not os.listdir(
        server.reports_dir)


def test_uwsgi_pid_without_its_configuration_is_a_clear_error(uwsgi):
    assert_one_line_error(gmr(uwsgi.process.pid), 'is uWSGI',
                          '--config-file')
    assert uwsgi.process.poll() is None
