"""Base section collectors return the plain facts of the live process."""

import json
import os
import subprocess
import sys
import threading

import psutil
from oslo_config import cfg

from gmr.collectors import configuration
from gmr.collectors import package
from gmr.collectors import processes
from gmr.collectors import runtime
from gmr.collectors import threads
import gmr_testlib


def test_package_reports_what_the_service_passed_in():
    version = {'product': 'zaqar-lite', 'vendor': 'v', 'version': '1.2',
               'package': '1.2-3'}
    assert package.collect(version) == version
    assert package.collect(None) == dict.fromkeys(package.FIELDS)


def _park(ready, release):
    ready.set()
    release.wait(10)


def test_threads_lists_every_thread_with_ids_and_stack():
    ready, release = threading.Event(), threading.Event()
    worker = threading.Thread(target=_park, args=(ready, release),
                              name='parked-worker', daemon=True)
    worker.start()
    try:
        ready.wait(5)
        found = {t['ident']: t for t in threads.collect()}
    finally:
        release.set()
        worker.join(5)
    entry = found[worker.ident]
    assert entry['name'] == 'parked-worker'
    assert entry['native_id'] == worker.native_id
    assert entry['daemon'] is True
    park = [f for f in entry['stack'] if f['function'] == '_park']
    assert park and park[0]['code'] == 'release.wait(10)'
    assert park[0]['path'] == __file__
    assert found[threading.main_thread().ident]['name'] == 'MainThread'


def test_processes_shows_self_parent_and_children():
    child = subprocess.Popen([sys.executable, '-c',
                              'import time; time.sleep(30)'])
    try:
        procs = processes.collect()
    finally:
        child.kill()
        child.wait()
    by_role = {}
    for proc in procs:
        by_role.setdefault(proc['role'], []).append(proc)
    me = by_role['self'][0]
    assert me['pid'] == os.getpid()
    assert me['ppid'] == os.getppid()
    assert me['rss'] > 0
    assert by_role['parent'][0]['pid'] == os.getppid()
    kid = [p for p in by_role['child'] if p['pid'] == child.pid][0]
    assert kid['cmdline'][-1] == 'import time; time.sleep(30)'
    assert kid['status'] in (psutil.STATUS_SLEEPING, psutil.STATUS_RUNNING)


def _conf():
    conf = cfg.ConfigOpts()
    conf.register_opts([
        cfg.StrOpt('uri', default='redis://:hunter2@db:6379/0'),
        cfg.StrOpt('admin_token', default='tok123'),
        cfg.StrOpt('motd', default='hello'),
    ], group='redis')
    conf.register_opts([cfg.StrOpt('shared', default='s3cr3t',
                                   secret=True),
                        cfg.IntOpt('workers', default=4)])
    conf([])
    return conf


def test_configuration_walks_every_group_and_masks_secrets():
    data = configuration.collect(_conf())
    assert list(data)[0] == 'DEFAULT'
    assert data['DEFAULT']['shared'] == '***'
    assert data['DEFAULT']['workers'] == 4
    assert data['redis'] == {'admin_token': '***', 'motd': 'hello',
                             'uri': 'redis://:***@db:6379/0'}
    assert 'hunter2' not in repr(data) and 'tok123' not in repr(data)


def test_configuration_is_the_object_passed_in_not_the_global_one():
    data = configuration.collect(_conf())
    assert 'redis' in data and 'redis' not in configuration.collect(
        cfg.ConfigOpts())


def test_configuration_isolates_an_option_with_a_bad_value(tmp_path):
    conf_file = tmp_path / 'bad.conf'
    conf_file.write_text('[DEFAULT]\nworkers = many\n')
    conf = _conf()
    conf(['--config-file', str(conf_file)])
    data = configuration.collect(conf)
    assert data['DEFAULT']['workers'].startswith('<error: ')
    assert data['redis']['motd'] == 'hello'


def test_runtime_reports_mode_python_argv_and_triggers():
    data = runtime.collect('websocket', 7)
    assert data['run_mode'] == 'websocket'
    assert data['python'].endswith(
        '%d.%d.%d' % sys.version_info[:3])
    assert data['argv'] == sys.argv
    assert 0 < data['uptime_seconds'] < 24 * 3600
    assert data['uwsgi_worker_id'] is None
    assert data['triggers_received'] == 7


GREEN_SCRIPT = '''
import eventlet
eventlet.monkey_patch()
import json
from gmr.collectors import green_threads

def nap():
    eventlet.sleep(60)

pool = [eventlet.spawn(nap) for _ in range(50)]
eventlet.sleep(0)
print(json.dumps(green_threads.collect()))
'''


def test_green_threads_with_identical_stacks_are_grouped(tmp_path):
    # In a subprocess: monkey patching would leak into the other tests.
    done = gmr_testlib.run_script(GREEN_SCRIPT, tmp_path)
    assert done.returncode == 0, done.stderr
    groups = json.loads(done.stdout)
    naps = [g for g in groups
            if any(f['function'] == 'nap' for f in g['stack'])]
    assert len(naps) == 1
    assert naps[0]['count'] == 50
    assert len({m['id'] for m in naps[0]['members']}) == 50
    nap = [f for f in naps[0]['stack'] if f['function'] == 'nap'][0]
    assert nap['code'] == 'eventlet.sleep(60)'
