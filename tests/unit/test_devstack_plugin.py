"""The devstack plugin (devstack/plugin.sh, devstack/settings), phase by phase.

Each phase runs in its own ``bash -c`` as devstack runs it (``set -o
errexit``; settings, then ``source plugin.sh <phase>``), with stand-ins for
the devstack functions the plugin calls. Every stand-in appends its name
and arguments to a log; ``iniset`` also writes the ini file (so the
configuration is parsed here by zaqar-lite itself) and ``sudo`` runs its
command (as the test's user, inside the test's directory). One test runs
the services for real: ``run_process`` then starts the command it is given.
"""

import configparser
import json
import os
import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid

import pytest
import websocket

from zaqar_lite import bootstrap

REPO = pathlib.Path(__file__).resolve().parents[2]
PLUGIN = REPO / 'devstack' / 'plugin.sh'
SETTINGS = REPO / 'devstack' / 'settings'
SERVICES = ('zaqar-lite-uwsgi', 'zaqar-lite-websocket')

STUBS = r'''
# Stand-ins for the devstack functions devstack/plugin.sh calls.
function _record {
    printf '%s' "$1" >> "$STUB_LOG"; shift
    printf '\t%s' "$@" >> "$STUB_LOG"; printf '\n' >> "$STUB_LOG"
}
function echo_summary { :; }
function get_python_exec_prefix { echo "$STUB_BIN_DIR"; }
function is_fedora { return 1; }
function enable_service {
    _record enable_service "$@"
    local service
    for service in "$@"; do
        ENABLED_SERVICES+=,$service
    done
}
function is_service_enabled {
    local service
    for service in "$@"; do
        [[ ,$ENABLED_SERVICES, == *,$service,* ]] && return 0
    done
    return 1
}
# Sets "option = value" first in [section] (added at the end if missing),
# dropping the option's previous line.
function iniset {
    _record iniset "$@"
    touch "$1"
    awk -v header="[$2]" -v key="$3 = " -v line="$3 = $4" '
        $0 == header { print; print line; added = 1; inside = 1; next }
        /^\[/ { inside = 0 }
        inside && index($0, key) == 1 { next }
        { print }
        END { if (!added) { print ""; print header; print line } }
    ' "$1" > "$1.new"
    mv "$1.new" "$1"
}
function setup_develop { _record setup_develop "$@"; }
function pip_install { _record pip_install "$@"; }
function install_package { _record install_package "$@"; }
function start_service { _record start_service "$@"; }
function sudo { _record sudo "$@"; "$@"; }
function die { _record die "$@"; exit 1; }
function curl {
    _record curl "$@"
    if [[ -n $STUB_REAL_PROCESSES ]]; then
        command curl "$@"
    else
        return "$STUB_CURL_RC"
    fi
}
# devstack's own semantics: any HTTP answer means the service is up.
function wait_for_service {
    _record wait_for_service "$@"
    [[ -z $STUB_REAL_PROCESSES ]] && return 0
    local deadline=$((SECONDS + $1))
    while [[ $(command curl -s -o /dev/null -w '%{http_code}' "$2") == 000 ]]
    do
        (( SECONDS < deadline )) || return 1
        sleep 0.1
    done
}
function run_process {
    _record run_process "$@"
    [[ -z $STUB_REAL_PROCESSES ]] && return 0
    setsid bash -c "exec $2" > "$STUB_RUN_DIR/$1.log" 2>&1 &
    echo $! > "$STUB_RUN_DIR/$1.pid"
}
function stop_process {
    _record stop_process "$@"
    [[ -z $STUB_REAL_PROCESSES ]] && return 0
    kill -TERM -- "-$(cat "$STUB_RUN_DIR/$1.pid")"
}
'''


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Devstack:
    """A fake devstack host in a temporary directory, running phases."""

    def __init__(self, root: pathlib.Path):
        self.root = root
        self.log_path = root / 'calls.log'
        self.run_dir = root / 'run'
        self.run_dir.mkdir()
        (root / 'stubs.sh').write_text(STUBS)
        # The plugin's own variables come from its settings alone.
        inherited = {k: v for k, v in os.environ.items()
                     if not k.startswith(('ZAQAR_LITE_', 'SERVICE_'))}
        self.env = dict(
            inherited, STUB_LOG=str(self.log_path), SERVICE_TIMEOUT='60',
            STUB_BIN_DIR='/stub/bin', STUB_CURL_RC='0',
            STUB_RUN_DIR=str(self.run_dir), STUB_REAL_PROCESSES='',
            DEST=str(root / 'opt' / 'stack'),
            DATA_DIR=str(root / 'opt' / 'stack' / 'data'),
            SERVICE_HOST='127.0.0.1',
            STACK_USER=pwd.getpwuid(os.getuid()).pw_name,
            ENABLE_DEBUG_LOG_LEVEL='True', ENABLED_SERVICES='',
            ZAQAR_LITE_CONF_DIR=str(root / 'etc' / 'zaqar-lite'),
            ZAQAR_LITE_LOG_DIR=str(root / 'log' / 'zaqar-lite'))

    @property
    def conf_dir(self) -> pathlib.Path:
        """ZAQAR_LITE_CONF_DIR."""
        return pathlib.Path(self.env['ZAQAR_LITE_CONF_DIR'])

    @property
    def data_dir(self) -> pathlib.Path:
        """ZAQAR_LITE_DATA_DIR's default, under DATA_DIR."""
        return pathlib.Path(self.env['DATA_DIR']) / 'zaqar-lite'

    @property
    def log_dir(self) -> pathlib.Path:
        """ZAQAR_LITE_LOG_DIR."""
        return pathlib.Path(self.env['ZAQAR_LITE_LOG_DIR'])

    def run(self, *phase: str, enabled=None, check=True
            ) -> subprocess.CompletedProcess:
        """Run one plugin phase; ``enabled`` replaces ENABLED_SERVICES
        after the settings (None keeps what the settings enable)."""
        self.log_path.write_text('')
        override = ('ENABLED_SERVICES=%s' % ','.join(enabled)
                    if enabled is not None else ':')
        script = ('set -o errexit; source %s; source %s; %s; source %s %s'
                  % (self.root / 'stubs.sh', SETTINGS, override, PLUGIN,
                     ' '.join(phase)))
        result = subprocess.run(['bash', '-c', script], cwd=REPO,
                                env=self.env, capture_output=True,
                                text=True, timeout=60)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def calls(self, name=None) -> list[list[str]]:
        """The recorded calls of the last phase, [name, arg, ...] each."""
        calls = [line.split('\t') for line in
                 self.log_path.read_text().splitlines()]
        return [c for c in calls if name is None or c[0] == name]


@pytest.fixture
def devstack(tmp_path):
    """A fake devstack host in the test's directory."""
    return Devstack(tmp_path)


def read_ini(path: pathlib.Path) -> configparser.RawConfigParser:
    """An ini file as uWSGI reads it ('=' alone separates the value)."""
    parser = configparser.RawConfigParser(delimiters=('=',))
    parser.optionxform = str
    assert parser.read(path) == [str(path)]
    return parser


def load_conf(path: pathlib.Path):
    """The file parsed and checked by zaqar-lite's own configuration."""
    return bootstrap.make_config(['--config-file', str(path)],
                                 default_config_files=[])


def test_settings_enable_both_services(devstack):
    devstack.run('stack', 'pre-install')
    assert devstack.calls('enable_service') == [
        ['enable_service', *SERVICES]]


def test_settings_defaults_follow_devstack_layout(devstack):
    del devstack.env['ZAQAR_LITE_CONF_DIR'], devstack.env['ZAQAR_LITE_LOG_DIR']
    names = ('ZAQAR_LITE_DIR', 'ZAQAR_LITE_CONF_DIR', 'ZAQAR_LITE_DATA_DIR',
             'ZAQAR_LITE_LOG_DIR', 'ZAQAR_LITE_SERVICE_HOST',
             'ZAQAR_LITE_SERVICE_PORT', 'ZAQAR_LITE_WEBSOCKET_PORT',
             'ZAQAR_LITE_BIN_DIR', 'ZAQAR_LITE_BACKEND')
    script = 'source %s; source %s; for n in %s; do echo "${!n}"; done' % (
        devstack.root / 'stubs.sh', SETTINGS, ' '.join(names))
    out = subprocess.run(['bash', '-c', script], env=devstack.env,
                         capture_output=True, text=True, check=True,
                         timeout=30).stdout.splitlines()
    dest = devstack.env['DEST']
    assert dict(zip(names, out)) == {
        'ZAQAR_LITE_DIR': dest + '/zaqar-lite',
        'ZAQAR_LITE_CONF_DIR': '/etc/zaqar-lite',
        'ZAQAR_LITE_DATA_DIR': devstack.env['DATA_DIR'] + '/zaqar-lite',
        'ZAQAR_LITE_LOG_DIR': '/var/log/zaqar-lite',
        'ZAQAR_LITE_SERVICE_HOST': '127.0.0.1',
        'ZAQAR_LITE_SERVICE_PORT': '8888',
        'ZAQAR_LITE_WEBSOCKET_PORT': '9000',
        'ZAQAR_LITE_BIN_DIR': '/stub/bin', 'ZAQAR_LITE_BACKEND': 'sqlite'}


def test_install_installs_the_package_and_uwsgi(devstack):
    devstack.run('stack', 'install')
    dest = devstack.env['DEST']
    assert ['setup_develop', dest + '/zaqar-lite'] in devstack.calls()
    assert ['pip_install', 'uwsgi'] in devstack.calls()
    assert devstack.calls('install_package') == []


def test_install_with_redis_backend_installs_redis_server(devstack):
    devstack.env['ZAQAR_LITE_BACKEND'] = 'redis'
    devstack.run('stack', 'install')
    assert devstack.calls('install_package') == [
        ['install_package', 'redis-server']]


def test_post_config_configures_the_uwsgi_service_reports(devstack):
    devstack.run('stack', 'post-config')
    conf_path = devstack.conf_dir / 'zaqar-lite-service.conf'
    assert ['iniset', str(conf_path), 'oslo_reports', 'file_event_handler',
            str(devstack.data_dir / 'gmr-trigger')] in devstack.calls()
    conf = load_conf(conf_path)
    assert conf.oslo_reports.file_event_handler == str(
        devstack.data_dir / 'gmr-trigger')
    assert conf.oslo_reports.file_event_handler_interval == 1
    assert conf.oslo_reports.log_dir == str(devstack.log_dir / 'reports')
    assert conf.drivers.message_store == 'sqlite'
    assert conf['drivers:message_store:sqlite'].path == str(
        devstack.data_dir / 'zaqar-lite.sqlite3')
    assert conf.debug is True


def test_post_config_points_uwsgi_at_its_configuration(devstack):
    devstack.env['ZAQAR_LITE_SERVICE_PORT'] = '8899'
    devstack.run('stack', 'post-config')
    uwsgi = read_ini(devstack.conf_dir / 'uwsgi.ini')['uwsgi']
    assert uwsgi['env'] == 'ZAQAR_LITE_CONFIG_FILE=%s' % (
        devstack.conf_dir / 'zaqar-lite-service.conf')
    assert uwsgi['module'] == (
        'zaqar_lite.transport.wsgi.application:application')
    assert uwsgi['http-socket'] == '127.0.0.1:8899'
    assert uwsgi['need-app'] == 'true'
    assert uwsgi['enable-threads'] == 'true'
    assert uwsgi['die-on-term'] == 'true'


def test_post_config_configures_the_websocket_server(devstack):
    devstack.env['ZAQAR_LITE_WEBSOCKET_PORT'] = '9011'
    devstack.run('stack', 'post-config')
    conf = load_conf(devstack.conf_dir / 'zaqar-lite.conf')
    assert conf.drivers.transport == 'websocket'
    assert conf['drivers:transport:websocket'].bind == '127.0.0.1'
    assert conf['drivers:transport:websocket'].port == 9011
    # The trigger file is the uWSGI workers' own.
    assert conf.oslo_reports.file_event_handler is None
    assert conf['drivers:message_store:sqlite'].path == str(
        devstack.data_dir / 'zaqar-lite.sqlite3')


def test_post_config_creates_the_directories(devstack):
    devstack.run('stack', 'post-config')
    for path in (devstack.conf_dir, devstack.data_dir,
                 devstack.log_dir / 'reports'):
        assert path.is_dir(), path
    assert (devstack.log_dir / 'reports').stat().st_mode & 0o777 == 0o700


def test_post_config_with_redis_backend_sets_the_uri(devstack):
    devstack.env.update(ZAQAR_LITE_BACKEND='redis',
                        ZAQAR_LITE_REDIS_URI='redis://127.0.0.1:6390/2')
    devstack.run('stack', 'post-config')
    for name in ('zaqar-lite.conf', 'zaqar-lite-service.conf'):
        conf = load_conf(devstack.conf_dir / name)
        assert conf.drivers.message_store == 'redis'
        assert conf['drivers:message_store:redis'].uri == (
            'redis://127.0.0.1:6390/2')


def test_extra_starts_both_services(devstack):
    devstack.run('stack', 'extra')
    conf_dir = devstack.conf_dir
    assert devstack.calls('run_process') == [
        ['run_process', 'zaqar-lite-uwsgi',
         '/stub/bin/uwsgi --procname-prefix zaqar-lite- --ini %s'
         % (conf_dir / 'uwsgi.ini')],
        ['run_process', 'zaqar-lite-websocket',
         '/stub/bin/zaqar-lite-server --config-file %s --transport websocket'
         % (conf_dir / 'zaqar-lite.conf')]]


def test_only_the_uwsgi_command_names_uwsgi(devstack):
    # devstack's run_process writes a uWSGI systemd unit (notify type,
    # SIGQUIT to stop) for any command containing "uwsgi".
    devstack.run('stack', 'extra')
    # (The test's own directory is named for the test: left out.)
    commands = {name: command.replace(str(devstack.root), '')
                for _, name, command in devstack.calls('run_process')}
    assert 'uwsgi' in commands['zaqar-lite-uwsgi']
    assert 'uwsgi' not in commands['zaqar-lite-websocket']


def test_extra_waits_for_ping_with_the_required_headers(devstack):
    devstack.run('stack', 'extra')
    [curl] = devstack.calls('curl')
    assert curl[-1] == 'http://127.0.0.1:8888/v2/ping'
    headers = [curl[i + 1] for i, arg in enumerate(curl) if arg == '-H']
    client_id = [h for h in headers if h.startswith('Client-ID: ')]
    assert uuid.UUID(client_id[0].split(': ')[1])
    assert any(h.startswith('X-Project-ID: ') for h in headers)
    assert '-f' in curl  # an error status is not an answer
    assert devstack.calls('wait_for_service') == [
        ['wait_for_service', '60', 'http://127.0.0.1:9000/']]


def test_extra_dies_when_ping_never_answers(devstack):
    devstack.env.update(STUB_CURL_RC='7', ZAQAR_LITE_START_TIMEOUT='0')
    result = devstack.run('stack', 'extra', check=False)
    assert result.returncode != 0
    [die] = devstack.calls('die')
    assert 'http://127.0.0.1:8888/v2/ping' in ' '.join(die)


def test_extra_starts_only_the_enabled_service(devstack):
    devstack.run('stack', 'extra', enabled=['zaqar-lite-websocket'])
    assert [c[1] for c in devstack.calls('run_process')] == [
        'zaqar-lite-websocket']
    assert devstack.calls('curl') == []


def test_unstack_stops_both_services(devstack):
    devstack.run('unstack')
    assert devstack.calls('stop_process') == [
        ['stop_process', 'zaqar-lite-uwsgi'],
        ['stop_process', 'zaqar-lite-websocket']]


def test_clean_removes_data_configuration_and_logs(devstack):
    devstack.run('stack', 'post-config')
    (devstack.log_dir / 'reports' / 'a-report').write_text('report')
    devstack.run('clean')
    for path in (devstack.conf_dir, devstack.data_dir, devstack.log_dir):
        assert not path.exists(), path
    assert pathlib.Path(devstack.env['DATA_DIR']).is_dir()


@pytest.mark.parametrize('phase', [('stack', 'install'),
                                   ('stack', 'post-config'),
                                   ('stack', 'extra'), ('unstack',),
                                   ('clean',)])
def test_disabled_services_make_every_phase_a_no_op(devstack, phase):
    devstack.run(*phase, enabled=[])
    assert [c for c in devstack.calls() if c[0] != 'enable_service'] == []
    assert not devstack.conf_dir.exists()


def test_scripts_pass_shellcheck():
    shellcheck = shutil.which('shellcheck')
    assert shellcheck, 'shellcheck is not installed (apt-get install ' \
                       'shellcheck)'
    result = subprocess.run([shellcheck, '-s', 'bash', str(PLUGIN),
                             str(SETTINGS)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# The services for real ------------------------------------------------


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'timed out: %s' % what
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def live_devstack(devstack):
    """The fake host with run_process starting real processes, both
    process groups killed at the end whatever happens."""
    bin_dir = devstack.root / 'bin'  # as devstack's venv has them
    bin_dir.mkdir()
    for name in ('uwsgi', 'zaqar-lite-server'):
        found = shutil.which(name)
        assert found, '%s is not installed' % name
        (bin_dir / name).symlink_to(found)
    devstack.env.update(
        STUB_REAL_PROCESSES='1', STUB_BIN_DIR=str(bin_dir),
        ZAQAR_LITE_SERVICE_PORT=str(free_port()),
        ZAQAR_LITE_WEBSOCKET_PORT=str(free_port()),
        ZAQAR_LITE_START_TIMEOUT='30')
    yield devstack
    for pid_file in devstack.run_dir.glob('*.pid'):
        pid = int(pid_file.read_text())
        if not _gone(pid):
            os.killpg(pid, signal.SIGKILL)


def _http(devstack, method: str, path: str, body=None):
    url = 'http://127.0.0.1:%s/v2%s' % (
        devstack.env['ZAQAR_LITE_SERVICE_PORT'], path)
    request = urllib.request.Request(
        url, method=method, data=json.dumps(body).encode() if body else None,
        headers={'Client-ID': str(uuid.uuid4()), 'X-Project-ID': 'demo',
                 'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def _ws_list_messages(devstack, queue: str) -> dict:
    conn = websocket.create_connection(
        'ws://127.0.0.1:%s/' % devstack.env['ZAQAR_LITE_WEBSOCKET_PORT'],
        timeout=10)
    try:
        conn.send(json.dumps({
            'action': 'message_list',
            'headers': {'Client-ID': str(uuid.uuid4()),
                        'X-Project-ID': 'demo'},
            'body': {'queue_name': queue, 'echo': True}}))
        return json.loads(conn.recv())
    finally:
        conn.close()


def test_stacked_services_share_one_store_and_report(live_devstack):
    devstack = live_devstack
    devstack.run('stack', 'post-config')
    devstack.run('stack', 'extra')
    assert devstack.calls('die') == []

    # A message posted over HTTP (uWSGI) is listed over the websocket.
    assert _http(devstack, 'POST', '/queues/jobs/messages',
                 {'messages': [{'body': {'task': 'resize'}}]}) == 201
    reply = _ws_list_messages(devstack, 'jobs')
    assert reply['headers']['status'] == 200, reply
    assert [m['body'] for m in reply['body']['messages']] == [
        {'task': 'resize'}]

    # Touching the trigger file makes each uWSGI worker report; SIGUSR2
    # makes the websocket server report. All in the reports directory.
    reports = devstack.log_dir / 'reports'
    pids = {p.stem: int(p.read_text())
            for p in devstack.run_dir.glob('*.pid')}
    (devstack.data_dir / 'gmr-trigger').touch()
    os.kill(pids['zaqar-lite-websocket'], signal.SIGUSR2)
    expected = {'_w1', '_w2', '_%d' % pids['zaqar-lite-websocket']}
    _wait(lambda: expected <= {'_' + p.name.rsplit('_', 1)[1]
                               for p in reports.glob('zaqar-lite_*')},
          15, 'a report from each uWSGI worker and the websocket server')

    devstack.run('unstack')
    for name in SERVICES:
        _wait(lambda: _gone(pids[name]), 15, '%s to stop' % name)
