"""A real redis-server for tests: own port, own directory, own lifetime.

``RedisServer`` starts ``/usr/bin/redis-server`` on 127.0.0.1 with a free
port and an append-only file in its directory, and can stop, kill and
restart it on the same port and directory (the data comes back from the
AOF). ``redis_server_fixture`` makes a pytest fixture of it.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from typing import Callable, Iterator, Optional

import pytest

REDIS_SERVER = '/usr/bin/redis-server'
START_TIMEOUT = 10.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM it when the test process dies,
    so that a killed test run leaves no redis-server behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _ping(port: int, password: Optional[str]) -> bool:
    """Whether the server on ``port`` answers PING with PONG."""
    command = b'PING\r\n'
    if password:
        command = b'AUTH %s\r\n%s' % (password.encode(), command)
    try:
        with socket.create_connection(('127.0.0.1', port), 0.5) as sock:
            sock.sendall(command)
            return b'+PONG' in _read_replies(sock, command.count(b'\r\n'))
    except OSError:
        return False


def _read_replies(sock: socket.socket, count: int) -> bytes:
    data = b''
    while data.count(b'\r\n') < count:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class RedisServer:
    """One redis-server process, started by ``start()`` or ``with``.

    :param fsync_always: ``appendfsync always`` (each write on disk before
        the reply) instead of ``everysec``, for durability tests.
    :param password: started with ``--requirepass`` when given.
    """

    def __init__(self, fsync_always: bool = False,
                 password: Optional[str] = None,
                 directory: Optional[str] = None):
        self.port = free_port()
        self.password = password
        self.fsync_always = fsync_always
        self._own_dir = directory is None
        self.dir = directory or tempfile.mkdtemp(prefix='zaqar-redis-')
        self.process: Optional[subprocess.Popen] = None

    @property
    def uri(self) -> str:
        """``redis://[:password@]127.0.0.1:<port>/0``."""
        auth = ':%s@' % self.password if self.password else ''
        return 'redis://%s127.0.0.1:%d/0' % (auth, self.port)

    def command(self) -> list[str]:
        """The redis-server command line."""
        cmd = [REDIS_SERVER, '--bind', '127.0.0.1', '--port', str(self.port),
               '--dir', self.dir, '--save', '', '--appendonly', 'yes',
               '--appendfsync', 'always' if self.fsync_always else 'everysec',
               '--daemonize', 'no', '--protected-mode', 'yes',
               '--loglevel', 'warning',
               '--logfile', os.path.join(self.dir, 'redis.log')]
        if self.password:
            cmd += ['--requirepass', self.password]
        return cmd

    def start(self) -> 'RedisServer':
        """Start the server and wait until it answers PING."""
        self.process = subprocess.Popen(self.command(),
                                        stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL,
                                        preexec_fn=_die_with_parent)
        deadline = time.monotonic() + START_TIMEOUT
        while not _ping(self.port, self.password):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError('redis-server did not start; see %s'
                                   % os.path.join(self.dir, 'redis.log'))
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop the server cleanly (SIGTERM) and wait for its exit."""
        self._end(self.process.terminate if self.process else None)

    def kill(self) -> None:
        """Kill the server (SIGKILL), as a crash would."""
        self._end(self.process.kill if self.process else None)

    def _end(self, signal_it: Optional[Callable[[], None]]) -> None:
        if self.process is None or signal_it is None:
            return
        if self.process.poll() is None:
            signal_it()
        self.process.wait(timeout=START_TIMEOUT)
        self.process = None

    def restart(self, kill: bool = False) -> None:
        """Stop (or kill) and start again on the same port and directory."""
        (self.kill if kill else self.stop)()
        self.start()

    def cleanup(self) -> None:
        """Kill the server and remove its directory (if it made it)."""
        self.kill()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> 'RedisServer':
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.cleanup()


def redis_server_fixture(scope: str = 'function', **options
                         ) -> Callable[[], Iterator[RedisServer]]:
    """A pytest fixture yielding a started ``RedisServer(**options)``.

    In a conftest or test module: ``redis_server = redis_server_fixture()``.
    """
    @pytest.fixture(scope=scope)
    def redis_server() -> Iterator[RedisServer]:
        with RedisServer(**options) as server:
            yield server
    return redis_server


_shared: Optional[RedisServer] = None


def shared_server() -> RedisServer:
    """One server for the whole test process, started on first use and
    stopped when the process exits (tests flush it between uses)."""
    global _shared
    if _shared is None or _shared.process is None:
        _shared = RedisServer().start()
        atexit.register(_shared.cleanup)
    return _shared
