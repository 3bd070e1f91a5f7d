"""Run modes a benchmark can measure: each yields the base URL of a
server started for the run, and stops it afterwards.

A target is a context manager factory ``(workdir) -> Target``. New run
modes (uWSGI, a Redis store) register themselves in ``TARGETS``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import pathlib
import sys
from typing import Callable, ContextManager, Iterator, Optional

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.functional import servers  # noqa: E402


@dataclasses.dataclass
class Target:
    """A server under test.

    :param url: base URL, e.g. ``http://127.0.0.1:8888``.
    :param pid: its process id when known (for CPU figures), else None.
    :param description: one line for the report.
    """

    url: str
    pid: Optional[int] = None
    description: str = ''


@contextlib.contextmanager
def wsgi(workdir: pathlib.Path) -> Iterator[Target]:
    """One ``zaqar-lite-server`` in wsgi mode (eventlet + SQLite)."""
    server = servers.ZaqarServer(workdir / 'wsgi')
    try:
        server.start()
    except BaseException:
        # Not ready in time (a busy machine): it may still come up later,
        # and nothing else would ever stop it.
        if server.process is not None and server.process.poll() is None:
            server.kill()
        raise
    try:
        yield Target(url=server.url, pid=server.process.pid,
                     description='zaqar-lite-server, wsgi mode, SQLite '
                                 '(%s)' % server.database)
    finally:
        server.stop()


@contextlib.contextmanager
def external(url: str) -> Iterator[Target]:
    """A server somebody else started (``--target URL``)."""
    yield Target(url=url.rstrip('/'), description='external: %s' % url)


#: Run modes by name; each takes a scratch directory.
TARGETS: dict[str, Callable[[pathlib.Path], ContextManager[Target]]] = {
    'wsgi': wsgi,
}
