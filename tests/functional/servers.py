"""Real zaqar-lite-server processes for functional tests.

``ZaqarServer`` writes a configuration file in its own directory (a free
loopback port, a SQLite file beside it, any extra options), starts the
installed ``zaqar-lite-server`` console script exactly as a user would,
waits until the API answers, and stops it (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import http.client
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import uuid
from typing import Any, Callable, Optional

START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float,
             what: str, interval: float = 0.02):
    """Poll ``condition`` until it returns a true value; return that."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError('timed out waiting for %s' % what)
        time.sleep(interval)


def console_script(name: str) -> str:
    """The console script installed beside the running interpreter."""
    path = os.path.join(os.path.dirname(sys.executable), name)
    return path if os.path.exists(path) else name


#: The tree these helpers belong to; the servers run its code.
ROOT = pathlib.Path(__file__).resolve().parents[2]


def server_environment(**extra: str) -> dict:
    """The environment of a server process.

    Inherited ``OS_*`` variables are dropped: oslo.config reads them as
    option values that would beat the config file. The tree's own code
    comes first on the path, so a benchmark run from a copy of the
    repository measures that copy, not whatever is installed.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (str(ROOT), env.get('PYTHONPATH')) if p)
    env.update(extra)
    return env


def write_config(path: pathlib.Path, options: dict[str, dict]) -> None:
    """Write an oslo.config INI file from ``{group: {option: value}}``."""
    lines = []
    for group, values in options.items():
        lines.append('[%s]' % group)
        lines.extend('%s = %s' % item for item in values.items())
        lines.append('')
    path.write_text('\n'.join(lines))


class ZaqarServer:
    """One ``zaqar-lite-server`` process in directory ``workdir``.

    :param transport: 'wsgi' or 'websocket'.
    :param options: extra ``{group: {option: value}}`` for its config file.
    :param database: SQLite file to use (default: ``workdir/db.sqlite3``);
        servers given the same file share their data.
    """

    def __init__(self, workdir: pathlib.Path, transport: str = 'wsgi',
                 options: Optional[dict[str, dict]] = None,
                 database: Optional[pathlib.Path] = None):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.transport = transport
        self.port = free_port()
        self.database = database or self.workdir / 'db.sqlite3'
        group = 'drivers:transport:%s' % transport
        merged = {
            'drivers': {'transport': transport},
            group: {'bind': '127.0.0.1', 'port': self.port},
            'drivers:message_store:sqlite': {'path': self.database},
        }
        for name, values in (options or {}).items():
            merged.setdefault(name, {}).update(values)
        self.config_file = self.workdir / 'zaqar-lite.conf'
        write_config(self.config_file, merged)
        self.stderr_path = self.workdir / 'stderr.log'
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        scheme = 'http' if self.transport == 'wsgi' else 'ws'
        return '%s://127.0.0.1:%d' % (scheme, self.port)

    def start(self) -> 'ZaqarServer':
        with open(self.stderr_path, 'ab') as stderr:
            self.process = subprocess.Popen(
                [console_script('zaqar-lite-server'),
                 '--config-file', str(self.config_file)],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
                cwd=self.workdir, env=server_environment(
                    XDG_DATA_HOME=str(self.workdir / 'xdg')))
        try:
            wait_for(self._ready, START_TIMEOUT, 'zaqar-lite-server to serve')
        except BaseException:
            # __exit__ never runs when start() fails: stop it here.
            self.process.kill()
            self.process.wait()
            raise
        return self

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError('zaqar-lite-server exited with %s:\n%s'
                               % (self.process.returncode, self.stderr()))
        if self.transport != 'wsgi':
            try:
                socket.create_connection(('127.0.0.1', self.port), 1).close()
                return True
            except OSError:
                return False
        try:
            return ping(self.port) == 204
        except OSError:
            return False

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM, wait; SIGKILL if it does not exit. Returns its status."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def kill(self) -> None:
        """SIGKILL: a crash, as far as the server can tell."""
        self.process.kill()
        self.process.wait()

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors='replace')

    def __enter__(self) -> 'ZaqarServer':
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def headers(project: str = 'test-project',
            client_id: Optional[str] = None) -> dict:
    """The headers every v2 request needs."""
    return {'Client-ID': client_id or str(uuid.uuid4()),
            'X-Project-ID': project, 'Content-Type': 'application/json'}


def call(port: int, method: str, path: str, project: str = 'test-project',
         body: Any = None, timeout: float = 15) -> tuple[int, Any]:
    """One request on a connection of its own: (status, JSON or None)."""
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers(project),
                     body=None if body is None else json.dumps(body))
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, json.loads(raw) if raw else None
    finally:
        conn.close()


def ping(port: int) -> int:
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
    try:
        conn.request('GET', '/v2/ping', headers=headers())
        return conn.getresponse().status
    finally:
        conn.close()
