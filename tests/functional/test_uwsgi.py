"""zaqar-lite under real uWSGI with the shipped etc/uwsgi.ini: the API,
a Guru Meditation Report from every worker, signals, shared storage."""

import http.client
import json
import re
import signal
import sqlite3
import threading
import time
import uuid

import psutil
import pytest
from zaqarclient.queues import client as zaqar_client

from tests.functional import servers
from tests.functional import uwsgi_server
from tests.functional.uwsgi_server import UWSGIServer

#: [oslo_reports] file_event_handler_interval in the shipped configuration.
INTERVAL = 1.0
#: The promise: every worker's report within the interval + 0.5 s.
REPORT_DEADLINE = INTERVAL + 0.5
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0

SECTIONS = ('Package', 'Threads', 'Processes', 'Configuration', 'Runtime',
            'Queues', 'Transport')


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    """uWSGI with the shipped ini, configuration and paths, unchanged but
    for the listening port; shared by the module's tests."""
    with UWSGIServer(tmp_path_factory.mktemp('uwsgi')) as running:
        yield running


def client(url: str, project: str) -> zaqar_client.Client:
    return zaqar_client.Client(url, version=2, conf={'auth_opts': {
        'backend': 'noauth', 'options': {'os_project_id': project}}})


def check_worker_reports(server: UWSGIServer,
                         reports: dict[str, str]) -> dict[int, str]:
    """One complete report per worker, each naming its own worker id and
    pid (header and file name); returns {worker id: report}."""
    workers = server.worker_pids()
    by_worker = {}
    for name, text in reports.items():
        head = uwsgi_server.header(text)
        wid, pid = int(head['Worker ID']), int(head['PID'])
        assert workers[wid] == pid
        assert head['Run mode'] == 'uwsgi'
        assert name.startswith('zaqar-lite_gurumeditation_')
        assert name.endswith('_%d_w%d' % (pid, wid))
        for title in SECTIONS:
            assert '====%s====' % title.center(64) in text, title
        by_worker[wid] = text
    assert sorted(by_worker) == sorted(workers)
    assert server.process.pid not in workers.values()
    return by_worker


def trigger_all(server: UWSGIServer, reports: uwsgi_server.Reports,
                deadline: float = REPORT_DEADLINE) -> dict[int, str]:
    """Touch the trigger file; every worker's report within ``deadline``.
    """
    start = uwsgi_server.touch(server.trigger_file)
    new = reports.wait_new(server.workers, deadline)
    assert time.monotonic() - start <= deadline
    return check_worker_reports(server, new)


def test_api_through_zaqarclient(server):
    queue = client(server.url, 'p-' + uuid.uuid4().hex).queue('orders')
    queue.post([{'body': {'n': n}, 'ttl': 300} for n in range(5)])
    assert sorted(m.body['n'] for m in queue.messages(echo=True)) == [
        0, 1, 2, 3, 4]
    claim = queue.claim(ttl=60, grace=60, limit=3)
    claimed = list(claim)
    assert len(claimed) == 3
    for message in claimed:
        message.delete()
    assert queue.stats['messages']['total'] == 2
    queue.delete()


def test_every_worker_reports_on_touch(server):
    reports = uwsgi_server.Reports(server.reports_dir)
    trigger_all(server, reports)
    # And again: the watchers keep going, nothing is overwritten.
    trigger_all(server, reports)
    assert len(reports.seen) >= 2 * server.workers


def test_every_worker_reports_with_lazy_apps(tmp_path):
    """Workers that load the application themselves report too; the
    master, which never loads it, still survives SIGUSR2 (the ini)."""
    with UWSGIServer(tmp_path, args=['--lazy-apps']) as lazy:
        assert 'lazy-apps' in ' '.join(lazy.command())
        trigger_all(lazy, uwsgi_server.Reports(lazy.reports_dir))
        master = psutil.Process(lazy.process.pid)
        master.send_signal(signal.SIGUSR2)
        assert servers.ping(lazy.port) == 204
        assert _ignored_signals(master.pid) & (1 << (signal.SIGUSR2 - 1))
        assert master.status() != psutil.STATUS_ZOMBIE


def test_respawned_worker_reports(server):
    """A worker uWSGI forks again after one died reports like the others.
    """
    dead = server.worker_pids()[1]
    psutil.Process(dead).kill()
    servers.wait_for(lambda: server.worker_pids()[1] != dead, 10,
                     'worker 1 to be respawned')
    by_worker = trigger_all(server, uwsgi_server.Reports(
        server.reports_dir))
    assert uwsgi_server.header(by_worker[1])['PID'] == str(
        server.worker_pids()[1])


def test_trigger_file_created_at_start_with_mode_0600(server):
    assert server.trigger_file.stat().st_mode & 0o777 == 0o600


def test_stuck_worker_reports_its_request(server):
    """A worker waiting for the database lock (held here, as a long
    maintenance transaction would) is inside a request: its report shows
    that request's stack; the other workers report too."""
    reports = uwsgi_server.Reports(server.reports_dir)
    project = 'p-' + uuid.uuid4().hex
    lock = sqlite3.connect(server.database, isolation_level=None)
    lock.execute('BEGIN IMMEDIATE')
    poster = Poster(server.port, project)
    poster.start()
    try:
        stuck = servers.wait_for(lambda: _stuck_report(server, reports),
                                 10, 'a report of the stuck request')
    finally:
        lock.execute('ROLLBACK')
        lock.close()
        poster.join(30)
    assert poster.status == 201
    threads = uwsgi_server.section(stuck, 'Threads')
    assert 'in on_post' in threads
    assert "`conn.execute('BEGIN IMMEDIATE')`" in threads
    assert 'in_flight = 1' in uwsgi_server.section(stuck, 'Transport')


def _stuck_report(server, reports):
    """Trigger once; the report that shows a request in flight, if any."""
    by_worker = trigger_all(server, reports)
    busy = [text for text in by_worker.values()
            if 'in_flight = 1' in uwsgi_server.section(text, 'Transport')]
    assert len(busy) <= 1
    return busy[0] if busy else None


class Poster(threading.Thread):
    """POST one message in a thread; ``status`` is the answer's."""

    def __init__(self, port: int, project: str):
        super().__init__(daemon=True)
        self.port, self.project = port, project
        self.status = None

    def run(self) -> None:
        conn = http.client.HTTPConnection('127.0.0.1', self.port,
                                          timeout=60)
        body = json.dumps({'messages': [{'body': 1, 'ttl': 300}]})
        conn.request('POST', '/v2/queues/stuck/messages', body,
                     servers.headers(self.project))
        self.status = conn.getresponse().status
        conn.close()


def test_trigger_file_deleted_and_recreated(server):
    reports = uwsgi_server.Reports(server.reports_dir)
    server.trigger_file.unlink()
    # Every watcher must have seen it missing before it comes back.
    time.sleep(INTERVAL + 0.2)  # no observable state: the watchers poll
    trigger_all(server, reports)  # creation is the trigger
    assert server.trigger_file.exists()
    trigger_all(server, reports)


def test_sigusr2_on_master_and_worker_is_harmless(server):
    master = psutil.Process(server.process.pid)
    workers = server.worker_pids()
    reports = uwsgi_server.Reports(server.reports_dir)
    for pid in [master.pid] + sorted(workers.values()):
        psutil.Process(pid).send_signal(signal.SIGUSR2)
        for _ in range(3):
            assert servers.ping(server.port) == 204
    assert master.is_running() and master.status() != psutil.STATUS_ZOMBIE
    assert all(psutil.pid_exists(pid) for pid in workers.values())
    assert server.worker_pids() == workers  # none died and was respawned
    # uWSGI's own handler answered in each worker: its C backtrace.
    for pid in workers.values():
        servers.wait_for(lambda: '*** backtrace of %d ***' % pid
                         in server.log(), 5, 'the backtrace of %d' % pid)
    # USR2 wrote no report: the next touch brings exactly one per worker.
    trigger_all(server, reports)
    assert reports.unseen() == []
    assert _ignored_signals(master.pid) & (1 << (signal.SIGUSR2 - 1))


def _ignored_signals(pid: int) -> int:
    """The mask of signals process ``pid`` ignores (SigIgn)."""
    with open('/proc/%d/status' % pid) as status:
        for line in status:
            if line.startswith('SigIgn:'):
                return int(line.split()[1], 16)
    raise AssertionError('no SigIgn for %d' % pid)


def test_four_consumers_across_workers_no_double_delivery(tmp_path):
    """4 consumers claim concurrently through 2 workers on one SQLite
    file: every message is claimed once, by one live claim, none lost."""
    with UWSGIServer(tmp_path) as server:
        project = 'p-' + uuid.uuid4().hex
        producer = client(server.url, project).queue('work')
        posted = 200
        for start in range(0, posted, 10):
            producer.post([{'body': n, 'ttl': 600}
                           for n in range(start, start + 10)])
        consumers = [Consumer(server.url, project) for _ in range(4)]
        for consumer in consumers:
            consumer.start()
        for consumer in consumers:
            consumer.join(60)
        assert not any(c.is_alive() or c.error for c in consumers)
        bodies = [body for c in consumers for body in c.bodies]
        assert sorted(bodies) == list(range(posted))
        claims = [claim for c in consumers for claim in c.claims]
        assert len(set(claims)) == len(claims)
        assert all(c.bodies for c in consumers)
        assert producer.stats['messages']['total'] == 0
        handled = _handled_per_worker(server)
        assert all(count > 10 for count in handled.values()), handled


class Consumer(threading.Thread):
    """Claim (5 at a time) and delete until the queue is empty."""

    def __init__(self, url: str, project: str):
        super().__init__(daemon=True)
        self.queue = client(url, project).queue('work')
        self.bodies: list[int] = []
        self.claims: list[str] = []
        self.error = None

    def run(self) -> None:
        try:
            while True:
                claim = self.queue.claim(ttl=300, grace=60, limit=5)
                messages = list(claim)
                if not messages:
                    return
                self.claims.append(claim.id)
                for message in messages:
                    self.bodies.append(message.body)
                    message.delete()
        except Exception as exc:  # reported by the test
            self.error = exc


def _handled_per_worker(server) -> dict[int, int]:
    """Requests each worker handled, from its own report."""
    reports = trigger_all(server, uwsgi_server.Reports(server.reports_dir))
    return {wid: int(re.search(r'handled = (\d+)', uwsgi_server.section(
        text, 'Transport')).group(1)) for wid, text in reports.items()}


@pytest.mark.parametrize('content, reason', [
    (None, 'no such configuration file'),
    ('[drivers]\nmessage_store = nosuch\n', 'invalid configuration'),
    ('[oslo_reports]\nfile_event_handler_interval = soon\n',
     'invalid configuration'),
    ('[drivers\nmessage_store = sqlite\n', 'invalid configuration'),
])
def test_missing_or_invalid_config_fails_at_start(tmp_path, content,
                                                  reason):
    config = tmp_path / 'zaqar-lite.conf'
    if content is not None:
        config.write_text(content)
    log = _failed_start(tmp_path, config)
    lines = [line for line in log.splitlines()
             if 'ERROR' in line and 'zaqar-lite cannot start: ' in line]
    assert len(lines) == 1 and reason in lines[0], log
    assert str(config) in lines[0]


def _failed_start(tmp_path, config) -> str:
    """Start uWSGI on ``config``, expect it to exit non-zero; its log."""
    server = UWSGIServer(tmp_path, env={
        'ZAQAR_LITE_CONFIG_FILE': str(config)})
    server.launch()
    try:
        status = server.wait_exit(START_TIMEOUT)
    finally:
        server.stop(signal.SIGKILL)
    assert status != 0
    return server.log()


def test_unusable_storage_fails_at_start(tmp_path):
    blocker = tmp_path / 'not-a-directory'
    blocker.write_text('')
    config = tmp_path / 'zaqar-lite.conf'
    config.write_text('[drivers:message_store:sqlite]\npath = %s\n'
                      % (blocker / 'db.sqlite3'))
    log = _failed_start(tmp_path, config)
    assert re.search(r'ERROR .*zaqar-lite cannot start: .*not-a-directory',
                     log), log


def test_missing_trigger_setting_is_a_warning(tmp_path):
    config = tmp_path / 'zaqar-lite.conf'
    config.write_text('[drivers:message_store:sqlite]\npath = %s\n'
                      % (tmp_path / 'db.sqlite3'))
    with UWSGIServer(tmp_path, env={
            'ZAQAR_LITE_CONFIG_FILE': str(config)}) as server:
        assert servers.ping(server.port) == 204
        warnings = [line for line in server.log().splitlines()
                    if 'WARNING' in line and 'file_event_handler' in line]
        assert warnings, server.log()


@pytest.mark.parametrize('signum', [signal.SIGTERM, signal.SIGINT])
def test_stop_on_sigterm_and_sigint(tmp_path, signum):
    with UWSGIServer(tmp_path) as server:
        workers = [psutil.Process(pid)
                   for pid in server.worker_pids().values()]
        started = time.monotonic()
        status = server.stop(signum)
        assert time.monotonic() - started < 5
        assert status == 0
        assert not any(w.is_running() for w in workers)
        with pytest.raises(OSError):
            servers.ping(server.port)
        assert 'goodbye to uWSGI' in server.log()


def test_graceful_stop_through_the_master_fifo(tmp_path):
    """``echo q`` into the master FIFO: the request in flight finishes,
    then uWSGI exits."""
    with UWSGIServer(tmp_path) as server:
        lock = sqlite3.connect(server.database, isolation_level=None)
        lock.execute('BEGIN IMMEDIATE')
        poster = Poster(server.port, 'p-' + uuid.uuid4().hex)
        poster.start()
        try:
            # The request is in flight once its worker's report says so.
            servers.wait_for(lambda: _stuck_report(
                server, uwsgi_server.Reports(server.reports_dir)), 10,
                'the request in flight')
            server.master_fifo.write_text('q')
            servers.wait_for(lambda: 'graceful shutdown' in server.log(),
                             5, 'the graceful shutdown to begin')
        finally:
            lock.execute('ROLLBACK')
            lock.close()
        assert server.wait_exit(STOP_TIMEOUT) == 0
        poster.join(10)
        assert poster.status == 201
