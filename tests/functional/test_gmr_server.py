"""Guru Meditation Reports of a real zaqar-lite-server process.

SIGUSR2, ``[oslo_reports] log_dir``, the file trigger, the JSON format,
the Queues section against the API, masking, and a signal storm under
HTTP load.
"""

import fcntl
import json
import os
import pathlib
import re
import signal
import stat
import subprocess
import sys
import termios
import threading
import time

import pytest
import redis as redis_py

from tests import redis_server as redis_testing
from tests.functional import servers

RULE = '=' * 72
OPENING = '%s\n====%s====\n%s\n' % (RULE, 'Guru Meditation'.center(64), RULE)
#: The sections of a wsgi-mode report, in order.
WSGI_SECTIONS = ['Package', 'Threads', 'Green Threads', 'Processes',
                 'Configuration', 'Runtime', 'Queues', 'Transport']
FILE_NAME = re.compile(r'^zaqar-lite_gurumeditation_(\d{17})_(\d+)$')
REDIS_URI = 'redis://:s3cret@127.0.0.1:1/0?token=t0ken&db=0'
REDIS_PASSWORD = 'pw-of-the-store'
F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ, Linux only

#: A redis-server that wants a password, for the module's Redis tests.
secure_redis = redis_testing.redis_server_fixture(
    scope='module', password=REDIS_PASSWORD)


# Reading reports.

def split_reports(text: str) -> list[str]:
    """Text reports in a stream (log lines before the first dropped)."""
    return [OPENING + part for part in text.split(OPENING)[1:]]


def titles(report: str) -> list[str]:
    """Section titles of a text report, in order (not the opening)."""
    found = re.findall(r'^%s\n====(.{64})====\n%s$' % (RULE, RULE), report,
                       re.MULTILINE)
    return [t.strip() for t in found][1:]


def answers(report: str) -> int:
    """How many triggers a text report says it answers."""
    return int(re.search(r'^This report answers (\d+) triggers?\.$',
                         report, re.MULTILINE).group(1))


def section(report: str, title: str) -> str:
    """The body of one section of a text report."""
    banner = '%s\n====%s====\n%s\n' % (RULE, title.center(64), RULE)
    body = report.split(banner, 1)[1]
    return body.split('\n' + RULE + '\n', 1)[0]


def report_files(log_dir: pathlib.Path) -> list[pathlib.Path]:
    """Report files in ``log_dir``, oldest first."""
    return sorted(p for p in log_dir.iterdir() if FILE_NAME.match(p.name))


def wait_quiet(path: pathlib.Path, quiet: float = 0.3,
               timeout: float = 10) -> None:
    """Wait until ``path`` has not grown for ``quiet`` seconds."""
    state = {'size': -1, 'since': time.monotonic()}

    def settled() -> bool:
        size = path.stat().st_size
        if size != state['size']:
            state.update(size=size, since=time.monotonic())
        return time.monotonic() - state['since'] >= quiet
    servers.wait_for(settled, timeout, '%s to settle' % path)


def wait_stderr_reports(server, count: int, timeout: float = 10
                        ) -> list[str]:
    """Wait for ``count`` complete text reports on the server's stderr."""
    servers.wait_for(
        lambda: sum(titles(r) == WSGI_SECTIONS
                    for r in split_reports(server.stderr())) >= count,
        timeout, '%d complete reports on stderr' % count)
    wait_quiet(server.stderr_path)
    return split_reports(server.stderr())


def wait_files(log_dir: pathlib.Path, count: int,
               timeout: float = 10) -> list[pathlib.Path]:
    """Wait for ``count`` report files in ``log_dir``."""
    servers.wait_for(lambda: len(report_files(log_dir)) >= count, timeout,
                     '%d report files' % count)
    return report_files(log_dir)


# Talking to the API.

def request(port: int, method: str, path: str, project: str,
            body=None) -> tuple[int, object]:
    """One request on a new connection: (status, decoded JSON or None)."""
    return servers.call(port, method, path, project, body, timeout=10)


def post(port: int, project: str, queue: str, bodies: list,
         delay: int = 0) -> list[str]:
    """Post messages; returns their ids."""
    status, data = request(
        port, 'POST', '/v2/queues/%s/messages' % queue, project,
        {'messages': [{'body': b, 'ttl': 600, 'delay': delay}
                      for b in bodies]})
    assert status == 201, data
    return [href.rsplit('/', 1)[1] for href in data['resources']]


def claim(port: int, project: str, queue: str, limit: int) -> list[str]:
    """Claim up to ``limit`` messages; returns their ids."""
    status, data = request(port, 'POST',
                           '/v2/queues/%s/claims?limit=%d' % (queue, limit),
                           project, {'ttl': 300, 'grace': 60})
    assert status in (201, 204), data
    return [m['href'].split('?')[0].rsplit('/', 1)[1]
            for m in (data or {}).get('messages', [])]


# Fixtures.

@pytest.fixture(scope='module')
def text_server(tmp_path_factory):
    """A server reporting text on its stderr (a file), with a Redis URL
    holding a password in its configuration (SQLite is the store)."""
    server = servers.ZaqarServer(
        tmp_path_factory.mktemp('gmr-text'),
        options={'drivers:message_store:redis': {'uri': REDIS_URI}})
    with server:
        yield server


def usr2_report(server) -> str:
    """Send SIGUSR2 and return the new complete report on stderr."""
    before = len(split_reports(server.stderr()))
    server.signal(signal.SIGUSR2)
    return wait_stderr_reports(server, before + 1)[before]


# SIGUSR2 to standard error.

def test_usr2_writes_a_complete_report_while_serving(text_server):
    before = len(split_reports(text_server.stderr()))
    text_server.signal(signal.SIGUSR2)
    # Requests made while the report is being built are served.
    assert servers.ping(text_server.port) == 204
    report = wait_stderr_reports(text_server, before + 1)[before]
    assert servers.ping(text_server.port) == 204
    assert titles(report) == WSGI_SECTIONS
    assert report.startswith(OPENING + '|' * 72 + '\n')
    assert '\nService: zaqar-lite\nRun mode: wsgi\nPID: %d\n' % (
        text_server.process.pid) in report
    assert text_server.process.poll() is None


def test_report_layout_is_oslo_reports(text_server):
    report = usr2_report(text_server)
    threads = section(report, 'Threads')
    assert re.search(r'^------ +Thread #\d+ +------$', threads, re.M)
    assert 'Name: gmr-report-builder' in threads
    # Each frame: 'path:line in func' then the source in backticks.
    assert re.search(r'^\S+\.py:\d+ in \w+\n    `.+`$', threads, re.M)
    package = section(report, 'Package')
    assert 'product = zaqar-lite' in package
    assert 'None' not in package
    green = section(report, 'Green Threads')
    assert re.search(r'^------ +Green Thread x\d+ +------$', green, re.M)
    runtime = section(report, 'Runtime')
    assert 'run_mode = wsgi' in runtime
    assert str(text_server.config_file) in runtime
    assert 'Process %d ' % text_server.process.pid in section(
        report, 'Processes')
    transport = section(report, 'Transport')
    assert 'listening = 127.0.0.1:%d' % text_server.port in transport


def test_configuration_is_the_running_one_and_masked(text_server):
    report = usr2_report(text_server)
    config = section(report, 'Configuration')
    assert 's3cret' not in report and 't0ken' not in report
    assert ('  uri = redis://:***@127.0.0.1:1/0?token=***&db=0'
            in config.splitlines())
    # The values the server runs with, from its own config file.
    assert '  port = %d' % text_server.port in config.splitlines()
    assert '  path = %s' % text_server.database in config.splitlines()


def test_stalled_stderr_stalls_only_the_report(tmp_path):
    """Nobody reads the server's stderr (a pipe): the report waits, the
    service does not; triggers meanwhile make one follow-up report."""
    port = servers.free_port()
    config = tmp_path / 'zaqar-lite.conf'
    servers.write_config(config, {
        'drivers:transport:wsgi': {'bind': '127.0.0.1', 'port': port},
        'drivers:message_store:sqlite': {'path': tmp_path / 'db'}})
    proc = subprocess.Popen(
        [servers.console_script('zaqar-lite-server'), '--config-file',
         str(config)], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # The smallest pipe: a report (~10 KiB) cannot fit in it.
    fcntl.fcntl(proc.stderr.fileno(), F_SETPIPE_SZ, 4096)
    try:
        servers.wait_for(lambda: _answers(port), 20, 'the server')
        # Empty, the pipe takes the report's first page at once (a pipe
        # with data may take nothing of it): a sure sign it has started.
        os.read(proc.stderr.fileno(), _pipe_bytes(proc))
        proc.send_signal(signal.SIGUSR2)
        servers.wait_for(lambda: _pipe_bytes(proc) > 0, 10,
                         'the report to start')
        for _ in range(5):
            proc.send_signal(signal.SIGUSR2)
            assert post(port, 'stalled', 'q', ['x'])
        assert _answers(port)
        text = _drain_until(proc, lambda t: len(
            [r for r in split_reports(t) if titles(r) == WSGI_SECTIONS])
            == 2 and reports_settled_in(t))
    finally:
        proc.terminate()
        proc.communicate(timeout=15)
    first, second = split_reports(text)
    assert titles(first) == titles(second) == WSGI_SECTIONS
    assert answers(first) == 1
    assert answers(first) + answers(second) == received(second) <= 6


def _answers(port: int) -> bool:
    """Whether the API answers a ping."""
    try:
        return servers.ping(port) == 204
    except OSError:
        return False


def _pipe_bytes(proc: subprocess.Popen) -> int:
    """Bytes waiting in the pipe of ``proc``'s stderr."""
    raw = fcntl.ioctl(proc.stderr.fileno(), termios.FIONREAD, b'\0' * 4)
    return int.from_bytes(raw, sys.byteorder)


def _drain_until(proc: subprocess.Popen, done, timeout: float = 20) -> str:
    """Read ``proc``'s stderr until ``done(text so far)``."""
    deadline = time.monotonic() + timeout
    data = b''
    while not done(data.decode(errors='replace')):
        assert time.monotonic() < deadline, data[-2000:]
        data += os.read(proc.stderr.fileno(), 65536)
    return data.decode(errors='replace')


def reports_settled_in(text: str) -> bool:
    """Whether the text reports answer every trigger received."""
    reports = [r for r in split_reports(text) if titles(r) == WSGI_SECTIONS]
    return bool(reports) and sum(map(answers, reports)) == max(
        map(_received_or_zero, reports))


def _received_or_zero(report: str) -> int:
    """received(), or 0 for a report whose Runtime is not yet complete."""
    try:
        return received(report)
    except AttributeError:
        return 0


# log_dir: one file per report.

def test_log_dir_gets_one_private_file_per_report(tmp_path):
    log_dir = tmp_path / 'reports'
    log_dir.mkdir()
    started = time.time()
    with servers.ZaqarServer(tmp_path, options={
            'oslo_reports': {'log_dir': log_dir}}) as server:
        for count in (1, 2, 3):
            server.signal(signal.SIGUSR2)
            files = wait_files(log_dir, count)
        assert servers.ping(server.port) == 204
        stderr = server.stderr()
    assert sorted(os.listdir(log_dir)) == [f.name for f in files]
    for count, path in enumerate(files, 1):
        stamp, pid = FILE_NAME.match(path.name).groups()
        assert int(pid) == server.process.pid
        assert abs(_stamp_seconds(stamp) - started) < 60
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        report = path.read_text()
        assert titles(report) == WSGI_SECTIONS
        assert answers(report) == 1
        assert received(report) == count
        lines = [line for line in stderr.splitlines() if str(path) in line]
        assert len(lines) == 1 and ' INFO ' in lines[0]
    assert OPENING not in stderr


def _stamp_seconds(stamp: str) -> float:
    """A file name's UTC stamp (YYYYMMDDHHMMSSmmm) as epoch seconds."""
    moment = time.strptime(stamp[:14] + 'UTC', '%Y%m%d%H%M%S%Z')
    return time.mktime(moment) - time.timezone + int(stamp[14:]) / 1000


# The file trigger.

def _change(path: pathlib.Path, step: int) -> None:
    """A distinct modification time, as a touch a second later gives."""
    os.utime(path, (time.time() + step, time.time() + step))


def test_file_trigger_survives_missing_deleted_and_recreated(tmp_path):
    log_dir, trigger = tmp_path / 'reports', tmp_path / 'trigger'
    log_dir.mkdir()
    options = {'oslo_reports': {'log_dir': log_dir,
                                'file_event_handler': trigger}}
    with servers.ZaqarServer(tmp_path, options=options) as server:
        trigger.touch()  # missing at start: its creation is a request
        wait_files(log_dir, 1)
        _change(trigger, 10)
        wait_files(log_dir, 2)
        trigger.unlink()
        assert servers.ping(server.port) == 204
        trigger.write_text('again')
        files = wait_files(log_dir, 3)
        assert servers.ping(server.port) == 204
    assert len(report_files(log_dir)) == 3
    assert all(titles(p.read_text()) == WSGI_SECTIONS for p in files)


def stays_empty(log_dir: pathlib.Path, window: float = 0.5) -> bool:
    """Whether no report file appears in ``log_dir`` for ``window`` s."""
    deadline = time.monotonic() + window
    while time.monotonic() < deadline:
        if report_files(log_dir):
            return False
        time.sleep(0.02)
    return True


def _served_or_gone(server) -> bool:
    """True once the server answered a request or exited."""
    if server.process.poll() is not None:
        return True
    try:
        return servers.ping(server.port) == 204
    except OSError:
        return False


@pytest.fixture
def file_triggered(tmp_path):
    """A server with the file trigger and log_dir: (server, dir, file)."""
    log_dir, trigger = tmp_path / 'reports', tmp_path / 'trigger'
    log_dir.mkdir()
    trigger.touch()
    options = {'oslo_reports': {'log_dir': log_dir,
                                'file_event_handler': trigger}}
    server = servers.ZaqarServer(tmp_path, options=options).start()
    yield server, log_dir, trigger
    server.stop()


def test_file_trigger_turns_usr2_off_without_killing(file_triggered):
    """SIGUSR2 neither reports nor stops the server; the file still
    triggers, and its report counts one trigger only."""
    server, log_dir, trigger = file_triggered
    server.signal(signal.SIGUSR2)
    # Once a request is served, a handler would have run.
    servers.wait_for(lambda: _served_or_gone(server), 10, 'the signal')
    assert server.process.poll() is None
    assert stays_empty(log_dir)
    _change(trigger, 10)
    wait_reports_settled(log_dir)
    report, = [p.read_text() for p in report_files(log_dir)]
    assert received(report) == answers(report) == 1
    assert servers.ping(server.port) == 204
    assert OPENING not in server.stderr()


# JSON.

def text_configuration(report: str) -> dict:
    """{group: [option names]} of a text report's Configuration."""
    groups = {}
    for block in section(report, 'Configuration').strip().split('\n\n'):
        name, *lines = block.splitlines()
        groups[name.rstrip(':')] = [line.split(' = ')[0].strip()
                                    for line in lines]
    return groups


def test_json_report_has_the_content_of_the_text_one(tmp_path,
                                                     text_server):
    log_dir = tmp_path / 'reports'
    log_dir.mkdir()
    options = {'oslo_reports': {'log_dir': log_dir, 'format': 'json'},
               'drivers:message_store:redis': {'uri': REDIS_URI}}
    with servers.ZaqarServer(tmp_path, options=options) as server:
        server.signal(signal.SIGUSR2)
        path, = wait_files(log_dir, 1)
    raw = path.read_text()
    report = json.loads(raw)
    assert report['schema'].startswith('gmr/')
    assert report['header']['pid'] == server.process.pid
    assert report['header']['answers'] == 1
    text = usr2_report(text_server)
    assert [s['title'] for s in report['sections']] == titles(text)
    assert titles(text) == WSGI_SECTIONS
    assert all(s['error'] is None for s in report['sections'])
    data = {s['title']: s['data'] for s in report['sections']}
    assert {g: list(o) for g, o in data['Configuration'].items()} == (
        text_configuration(text))
    assert section(text, 'Package').splitlines() == [
        '%s = %s' % item for item in data['Package'].items()]
    assert 's3cret' not in raw and 't0ken' not in raw
    assert data['Configuration']['drivers:message_store:redis']['uri'] == (
        'redis://:***@127.0.0.1:1/0?token=***&db=0')


# The Queues section against the API.

def _api_figures(port: int, project: str) -> dict:
    """queues/total/claimed/free of a project, summed from the API."""
    status, listing = request(port, 'GET', '/v2/queues?limit=20', project)
    assert status == 200
    figures = {'queues': len(listing['queues']), 'total': 0, 'claimed': 0,
               'free': 0}
    for queue in listing['queues']:
        _, stats = request(port, 'GET', '/v2/queues/%s/stats'
                           % queue['name'], project)
        for key in ('total', 'claimed', 'free'):
            figures[key] += stats['messages'][key]
    return figures


@pytest.mark.parametrize('store', ['sqlite', 'redis'])
def test_queues_section_matches_the_api_per_project(tmp_path, request,
                                                    store):
    log_dir = tmp_path / 'reports'
    log_dir.mkdir()
    options = {'oslo_reports': {'log_dir': log_dir, 'format': 'json'}}
    if store == 'redis':
        options.update(redis_store(request.getfixturevalue('secure_redis')))
    with servers.ZaqarServer(tmp_path, options=options) as server:
        port = server.port
        post(port, 'alpha', 'orders', list(range(7)))
        claim(port, 'alpha', 'orders', 3)
        post(port, 'alpha', 'orders', ['later'] * 2, delay=600)
        post(port, 'alpha', 'audit', ['a'])
        post(port, 'beta', 'jobs', list(range(4)))
        claim(port, 'beta', 'jobs', 4)
        expected = {p: _api_figures(port, p) for p in ('alpha', 'beta')}
        server.signal(signal.SIGUSR2)
        path, = wait_files(log_dir, 1)
    report = json.loads(path.read_text())
    queues = next(s for s in report['sections'] if s['title'] == 'Queues')
    assert queues['error'] is None
    projects = queues['data']['projects']
    for project, figures in expected.items():
        got = {k: projects[project][k] for k in figures}
        assert got == figures, project
    assert expected['alpha'] == {'queues': 2, 'total': 10, 'claimed': 3,
                                 'free': 7}
    assert projects['alpha']['delayed'] == 2
    assert projects['beta']['delayed'] == 0
    assert queues['data']['totals']['total'] == 14
    assert queues['data']['driver'] == store


def redis_store(server: redis_testing.RedisServer) -> dict:
    """Options selecting ``server``, emptied first, as the store (so that
    each test counts only its own data)."""
    client = redis_py.Redis.from_url(server.uri)
    try:
        client.flushall()
    finally:
        client.close()
    return {'drivers': {'message_store': 'redis'},
            'drivers:message_store:redis': {'uri': server.uri}}


def test_store_password_is_masked_everywhere(tmp_path, secure_redis):
    options = redis_store(secure_redis)
    with servers.ZaqarServer(tmp_path, options=options) as server:
        post(server.port, 'masked', 'q', ['x'])
        report = usr2_report(server)
    assert REDIS_PASSWORD not in report
    assert titles(report) == WSGI_SECTIONS
    assert 'ERROR' not in section(report, 'Queues')
    location = re.search(r'^location = (.*)$', section(report, 'Queues'),
                         re.M).group(1)
    assert location == 'redis://:***@127.0.0.1:%d/0' % secure_redis.port
    assert ('  uri = redis://:***@127.0.0.1:%d/0' % secure_redis.port
            in section(report, 'Configuration').splitlines())


# The storm: 50 signals while clients post and claim.

class Client(threading.Thread):
    """Posts and claims on its own queue until told to stop."""

    def __init__(self, port: int, name: str):
        super().__init__(daemon=True)
        self.port, self.queue = port, name
        self.posted: list[str] = []
        self.claimed: list[str] = []
        self.errors: list[str] = []
        self.rounds = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() or self.rounds < 5:
            try:
                self.posted += post(self.port, 'storm', self.queue,
                                    ['%s-%d' % (self.queue, self.rounds)])
                self.claimed += claim(self.port, 'storm', self.queue, 1)
            except Exception as exc:  # every failure is a test failure
                self.errors.append(repr(exc))
                return
            self.rounds += 1


def _all_ids(port: int, queue: str) -> list[str]:
    """Ids of every message of a queue, claimed ones included."""
    ids, path = [], ('/v2/queues/%s/messages?echo=true&include_claimed=true'
                     '&limit=20' % queue)
    while path:
        status, page = request(port, 'GET', path, 'storm')
        assert status in (200, 204)
        messages = (page or {}).get('messages', [])
        ids += [m['id'] for m in messages]
        path = page['links'][0]['href'] if messages else None
    return ids


def received(report: str) -> int:
    """Triggers the process had received when it made a report."""
    return int(re.search(r'^triggers_received = (\d+)$',
                         section(report, 'Runtime'), re.M).group(1))


def reports_settled(log_dir: pathlib.Path) -> bool:
    """Whether the reports answer every trigger the process received."""
    texts = [p.read_text() for p in report_files(log_dir)]
    return bool(texts) and sum(map(answers, texts)) == max(
        map(received, texts))


def wait_reports_settled(log_dir: pathlib.Path, quiet: float = 0.5,
                         timeout: float = 30) -> None:
    """Wait until the reports answer every trigger received and no new
    report has come for ``quiet`` seconds (a late delivery would make
    one)."""
    state = {'files': None, 'since': time.monotonic()}

    def settled() -> bool:
        files = report_files(log_dir)
        if files != state['files']:
            state.update(files=files, since=time.monotonic())
        return (time.monotonic() - state['since'] >= quiet
                and reports_settled(log_dir))
    servers.wait_for(settled, timeout, 'reports answering every trigger')


def usr2_pending(pid: int) -> bool:
    """Whether a SIGUSR2 sent to ``pid`` waits to be delivered."""
    with open('/proc/%d/status' % pid) as status:
        for line in status:
            if line.startswith('ShdPnd:'):
                return bool(int(line.split()[1], 16)
                            & 1 << (signal.SIGUSR2 - 1))
    return False


@pytest.mark.parametrize('paced', [False, True], ids=['burst', 'paced'])
def test_signal_storm_under_load(tmp_path, paced):
    """50 SIGUSR2 as fast as possible while 4 clients post and claim.

    The kernel keeps one pending SIGUSR2 and CPython runs a handler once
    for any number of deliveries before it gets to it, so the process
    receives between 1 and 50 of them: every trigger it did receive is
    answered, by complete reports, and no request suffers. A burst is
    mostly one delivery; paced (each signal once the previous one left
    the kernel) they keep arriving while reports are being built.
    """
    log_dir = tmp_path / 'reports'
    log_dir.mkdir()
    options = {'oslo_reports': {'log_dir': log_dir}}
    with servers.ZaqarServer(tmp_path, options=options) as server:
        clients = [Client(server.port, 'q%d' % i) for i in range(4)]
        for client in clients:
            client.start()
        servers.wait_for(lambda: all(c.rounds for c in clients), 10,
                         'every client to be served once')
        for _ in range(50):
            while paced and usr2_pending(server.process.pid):
                pass
            os.kill(server.process.pid, signal.SIGUSR2)
        wait_reports_settled(log_dir)
        for client in clients:
            client.stop.set()
            client.join(30)
        assert [c.errors for c in clients] == [[]] * 4
        for client in clients:
            assert sorted(_all_ids(server.port, client.queue)) == sorted(
                client.posted)
            assert set(client.claimed) <= set(client.posted)
            assert len(set(client.claimed)) == len(client.claimed)
        assert server.process.poll() is None
    files = report_files(log_dir)
    texts = [p.read_text() for p in files]
    assert all(titles(t) == WSGI_SECTIONS for t in texts)
    assert 1 <= len(files) <= 50
    assert sum(map(answers, texts)) == max(map(received, texts)) <= 50
    assert sorted(os.listdir(log_dir)) == [p.name for p in files]
