"""Fixtures of the storage contract suite, run against every backend.

To prove a new backend, add one entry to ``BACKENDS``: a context manager
``factory(tmp_path, clock)`` that yields a ready driver and releases
everything it started on exit.
"""

import contextlib
import pathlib
from typing import Iterator

import pytest
from oslo_config import cfg

from zaqar_lite import conf as zaqar_conf
from zaqar_lite.storage import base
from tests.clock import FakeClock


def sqlite_conf(path: pathlib.Path, busy_timeout: float = 30.0,
                synchronous: str = 'normal') -> cfg.ConfigOpts:
    """A configuration whose SQLite database is ``path``.

    Every option of the group is set: an override set on one ConfigOpts
    is seen by the others (oslo.config shares a module-level group's
    options), so nothing may be left to a previous test.
    """
    conf = cfg.ConfigOpts()
    zaqar_conf.register_opts(conf)
    conf([])
    group = 'drivers:message_store:sqlite'
    conf.set_override('path', str(path), group=group)
    conf.set_override('busy_timeout', busy_timeout, group=group)
    conf.set_override('synchronous', synchronous, group=group)
    return conf


@contextlib.contextmanager
def sqlite_backend(tmp_path: pathlib.Path,
                   clock: FakeClock) -> Iterator[base.DataDriverBase]:
    """A SQLite driver on a fresh file."""
    from zaqar_lite.storage import sqlite
    driver = sqlite.DataDriver(sqlite_conf(tmp_path / 'db.sqlite3'),
                               clock=clock)
    try:
        yield driver
    finally:
        driver.close()


def redis_conf(uri: str) -> cfg.ConfigOpts:
    """A configuration whose Redis store is ``uri``."""
    conf = cfg.ConfigOpts()
    zaqar_conf.register_opts(conf)
    conf([])
    conf.set_override('uri', uri, group='drivers:message_store:redis')
    return conf


@contextlib.contextmanager
def redis_backend(tmp_path: pathlib.Path,
                  clock: FakeClock) -> Iterator[base.DataDriverBase]:
    """A Redis driver on the session's redis-server, emptied first."""
    from tests import redis_server
    from zaqar_lite.storage import redis
    server = redis_server.shared_server()
    driver = redis.DataDriver(redis_conf(server.uri), clock=clock)
    driver.connection.client.flushdb()
    try:
        yield driver
    finally:
        driver.close()


#: backend name -> factory(tmp_path, clock), a context manager.
BACKENDS = {
    'sqlite': sqlite_backend,
    'redis': redis_backend,
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=sorted(BACKENDS))
def driver(request, tmp_path, clock) -> Iterator[base.DataDriverBase]:
    with BACKENDS[request.param](tmp_path, clock) as data_driver:
        yield data_driver
