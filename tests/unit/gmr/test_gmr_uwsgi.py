"""Under uWSGI: each worker answers the file trigger, even one stuck in a
request; SIGUSR2 is ignored, so ``kill -USR2 <master>`` harms nothing."""

import os
import shutil
import signal
import socket
import subprocess
import threading
import urllib.request

import psutil
import pytest

import gmr_testlib

APP = '''
import sys, time
from oslo_config import cfg
import gmr

conf = cfg.ConfigOpts()
conf(['--config-file', %(conf)r])
gmr.setup_autorun(conf, service_name='app', run_mode='uwsgi',
                  version={'product': 'p'})


def application(environ, start_response):
    if environ['PATH_INFO'] == '/stuck':
        time.sleep(1.5)  # stuck in a request
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'ok']
'''

pytestmark = pytest.mark.skipif(not shutil.which('uwsgi'),
                                reason='uwsgi is not installed')


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _get(port, path, timeout=10):
    url = 'http://127.0.0.1:%d%s' % (port, path)
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def _shut_down(proc):
    """Kill the master and its workers (their shutdown is not tested)."""
    family = [proc] + psutil.Process(proc.pid).children(recursive=True)
    for member in family:
        try:
            member.kill()
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass
    proc.wait(timeout=10)
    psutil.wait_procs(family[1:], timeout=10)


@pytest.fixture
def uwsgi_app(request, tmp_path):
    """uWSGI, master + 2 workers; the param: py-call-osafterfork or not."""
    log_dir = tmp_path / 'reports'
    log_dir.mkdir()
    conf = tmp_path / 'app.conf'
    conf.write_text('[oslo_reports]\nlog_dir = %s\nfile_event_handler = %s'
                    '\n' % (log_dir, tmp_path / 'trigger'))
    (tmp_path / 'app.py').write_text(APP % {'conf': str(conf)})
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=gmr_testlib.REPO)
    log = open(tmp_path / 'uwsgi.log', 'w')
    proc = subprocess.Popen(
        ['uwsgi', '--http-socket', '127.0.0.1:%d' % port, '--master',
         '--processes', '2', '--wsgi-file', str(tmp_path / 'app.py'),
         '--pythonpath', gmr_testlib.REPO, '--need-app'] +
        (['--py-call-osafterfork'] if request.param else []),
        env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()

    def ready():
        assert proc.poll() is None, (tmp_path / 'uwsgi.log').read_text()
        try:
            return _get(port, '/', timeout=1) == b'ok'
        except OSError:
            return False

    try:
        assert gmr_testlib.wait_for(ready, timeout=10, interval=0.05)
        yield port, proc, tmp_path, log_dir
    finally:
        _shut_down(proc)


def _reports(log_dir):
    return {n: (log_dir / n).read_text() for n in os.listdir(log_dir)
            if '_gurumeditation_' in n}


def _trigger_and_wait(tmp_path, log_dir):
    """Create the trigger file; wait for both workers' reports.

    Their reports also show both workers are past their start-up: a
    worker interrupted (SIGINT) while it starts would hold up uWSGI's
    shutdown.
    """
    # The trigger file is missing at start: its creation triggers.
    (tmp_path / 'trigger').write_text('')
    return gmr_testlib.wait_for(
        lambda: len(_reports(log_dir)) >= 2 and _reports(log_dir))


# With py-call-osafterfork, Python's at-fork hooks restart the threads;
# without it, gmr's uWSGI post-fork hook does.
@pytest.mark.parametrize('uwsgi_app', [True], indirect=True)
def test_every_worker_reports_including_one_stuck_in_a_request(uwsgi_app):
    port, proc, tmp_path, log_dir = uwsgi_app
    stuck = threading.Thread(target=_get, args=(port, '/stuck'))
    stuck.start()
    try:
        reports = _trigger_and_wait(tmp_path, log_dir)
    finally:
        stuck.join(10)
    # The master serves no request and forks: it starts no thread.
    assert sorted(name.rsplit('_', 1)[1] for name in reports) == [
        'w1', 'w2']
    for name, text in reports.items():
        worker = name.rsplit('_w', 1)[1]
        assert 'Worker ID: %s\n' % worker in text
        assert 'Run mode: uwsgi\n' in text
    assert sum('`time.sleep(1.5)  # stuck in a request`' in text
               for text in reports.values()) == 1


@pytest.mark.parametrize('uwsgi_app', [False], indirect=True)
def test_sigusr2_on_the_master_does_not_take_the_service_down(uwsgi_app):
    port, proc, tmp_path, log_dir = uwsgi_app
    assert len(_trigger_and_wait(tmp_path, log_dir)) == 2
    for _ in range(3):
        os.kill(proc.pid, signal.SIGUSR2)
    for _ in range(4):
        assert _get(port, '/') == b'ok'
    assert proc.poll() is None
    assert len(_reports(log_dir)) == 2  # and it asked for no report
