"""Real uWSGI processes running the shipped ``etc/uwsgi.ini``, for tests.

``UWSGIServer`` copies the repository's ``etc/uwsgi.ini`` and
``etc/zaqar-lite-uwsgi.conf`` unchanged into a directory of its own, as a
fresh clone would have them, so that every path of the shipped
configuration (database, trigger file, reports) lands under
``<root>/var/uwsgi``. It then runs ``uwsgi --http11-socket 127.0.0.1:<free
port> --ini <root>/etc/uwsgi.ini``: only the listening socket is
overridden (plus what a test passes in ``args`` and ``env``).
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import signal
import subprocess
import time
from typing import Optional

import psutil

from tests.functional import servers

REPO = pathlib.Path(__file__).resolve().parents[2]
SHIPPED = ('uwsgi.ini', 'zaqar-lite-uwsgi.conf')
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0

#: The line each worker logs once its report threads run.
WORKER_READY = re.compile(r'Worker (\d+) \(pid (\d+)\) serving')


class UWSGIServer:
    """One uWSGI master and its workers, serving the shipped ini.

    :param root: a directory of the server's own ("the clone").
    :param args: extra uWSGI options (e.g. ``['--lazy-apps']``).
    :param env: extra environment (e.g. ``ZAQAR_LITE_CONFIG_FILE``).
    :param workers: how many workers the ini (with ``args``) starts.
    """

    def __init__(self, root: pathlib.Path, args: tuple = (),
                 env: Optional[dict] = None, workers: int = 2):
        self.root = pathlib.Path(root)
        (self.root / 'etc').mkdir(parents=True, exist_ok=True)
        for name in SHIPPED:
            shutil.copy(REPO / 'etc' / name, self.root / 'etc' / name)
        self.port = servers.free_port()
        self.args = list(args)
        self.env = dict(env or {})
        self.workers = workers
        self.var = self.root / 'var' / 'uwsgi'
        self.log_path = self.root / 'uwsgi.log'
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return 'http://127.0.0.1:%d' % self.port

    @property
    def database(self) -> pathlib.Path:
        return self.var / 'zaqar-lite.sqlite3'

    @property
    def trigger_file(self) -> pathlib.Path:
        return self.var / 'gmr-trigger'

    @property
    def reports_dir(self) -> pathlib.Path:
        return self.var / 'reports'

    @property
    def master_fifo(self) -> pathlib.Path:
        return self.var / 'master.fifo'

    def command(self) -> list[str]:
        return (['uwsgi', '--http-socket', '127.0.0.1:%d' % self.port,
                 '--ini', str(self.root / 'etc' / 'uwsgi.ini')]
                + self.args)

    def launch(self) -> subprocess.Popen:
        """Start uWSGI (from a directory that is not the root) and return
        at once."""
        env = dict(os.environ, PYTHONPATH=str(REPO))
        env.pop('ZAQAR_LITE_CONFIG_FILE', None)
        env.update(self.env)
        with open(self.log_path, 'ab') as log:
            self.process = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log,
                stderr=log, cwd='/', env=env)
        return self.process

    def start(self) -> 'UWSGIServer':
        """Launch and wait until the API answers and every worker reports.
        """
        self.launch()
        try:
            servers.wait_for(self._ready, START_TIMEOUT,
                             'uWSGI and its workers to serve')
        except BaseException:
            self.stop()
            raise
        return self

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError('uWSGI exited with %s:\n%s'
                               % (self.process.returncode, self.log()))
        if len(self.worker_pids()) < self.workers:
            return False
        try:
            return servers.ping(self.port) == 204
        except OSError:
            return False

    def worker_pids(self) -> dict[int, int]:
        """{worker id: pid} of the workers that said they serve."""
        return {int(wid): int(pid)
                for wid, pid in WORKER_READY.findall(self.log())}

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors='replace')
        except FileNotFoundError:
            return ''

    def wait_exit(self, timeout: float) -> int:
        """Wait for the master to exit; returns its status."""
        return self.process.wait(timeout)

    def stop(self, signum: int = signal.SIGTERM,
             timeout: float = STOP_TIMEOUT) -> Optional[int]:
        """Send ``signum`` to the master and wait for it and its workers;
        SIGKILL whatever is left after ``timeout``. Returns its status."""
        if self.process is None:
            return None
        children = _children(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        _gone, alive = psutil.wait_procs(children, timeout=timeout)
        for child in alive:
            child.kill()
        return status

    def __enter__(self) -> 'UWSGIServer':
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


class Reports:
    """The report files of a server: new ones since the last call."""

    def __init__(self, directory: pathlib.Path):
        self.directory = directory
        self.seen: set[str] = set(self._names())

    def _names(self) -> list[str]:
        try:
            return [name for name in os.listdir(self.directory)
                    if not name.startswith('.')]
        except FileNotFoundError:
            return []

    def unseen(self) -> list[str]:
        """Report files not returned by :meth:`wait_new` yet."""
        return [name for name in self._names() if name not in self.seen]

    def wait_new(self, count: int, timeout: float) -> dict[str, str]:
        """Wait for ``count`` new report files; {name: text}."""
        def new() -> list[str]:
            names = self.unseen()
            return names if len(names) >= count else []
        names = servers.wait_for(new, timeout, '%d new reports' % count)
        self.seen.update(names)
        return {name: (self.directory / name).read_text()
                for name in names}


def touch(path: pathlib.Path) -> float:
    """Touch ``path`` (create it if missing); returns the time it was done.
    """
    path.touch()
    return time.monotonic()


def header(text: str) -> dict[str, str]:
    """The ``Key: value`` lines of a text report's header."""
    head = text.split('\n\n', 2)[1]
    return dict(line.split(': ', 1) for line in head.splitlines()
                if ': ' in line)


def section(text: str, title: str) -> str:
    """The body of section ``title`` of a text report."""
    banner = '====%s====' % title.center(64)
    body = text.split(banner, 1)[1].split('\n', 2)[2]
    return body.split('=' * 72, 1)[0]
