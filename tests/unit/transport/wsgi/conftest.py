"""Fixtures of the HTTP transport tests: the falcon app on a real SQLite
store (in a temporary file) with a clock the tests move, and clients of
two projects."""

import os
import pathlib
import shutil
import tempfile
from typing import Iterator

import falcon.testing
import pytest
from oslo_config import cfg

from tests.clock import FakeClock
from tests.unit.transport.wsgi import httptest
from zaqar_lite import bootstrap
from zaqar_lite.api.v2 import API
from zaqar_lite.storage import sqlite
from zaqar_lite.transport import stats as transport_stats
from zaqar_lite.transport.wsgi.app import create_app


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


SHM = '/dev/shm'


@pytest.fixture
def db_dir(tmp_path) -> Iterator[pathlib.Path]:
    """Where the test's database lives: memory-backed /dev/shm when there
    is one (creating and closing a database on disk costs tens of
    milliseconds of fsyncs per test), else the test's tmp_path."""
    if not (os.path.isdir(SHM) and os.access(SHM, os.W_OK)):
        yield tmp_path
        return
    path = tempfile.mkdtemp(prefix='zaqar-lite-test-', dir=SHM)
    yield pathlib.Path(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def conf(db_dir) -> Iterator[cfg.ConfigOpts]:
    """The default configuration with the test's database.

    oslo.config keeps overrides on the option groups, which every
    ConfigOpts registering the same module-level groups shares: reset
    drops overrides other tests left, and ours when the test ends.
    """
    conf = bootstrap.make_config([], default_config_files=[])
    conf.reset()
    conf.set_override('path', str(db_dir / 'db.sqlite3'),
                      group='drivers:message_store:sqlite')
    yield conf
    conf.reset()


@pytest.fixture
def storage(conf, clock) -> Iterator[sqlite.DataDriver]:
    driver = sqlite.DataDriver(conf, clock=clock)
    yield driver
    driver.close()


@pytest.fixture
def stats() -> transport_stats.TransportStats:
    return transport_stats.TransportStats('wsgi')


@pytest.fixture
def test_client(conf, storage, stats) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(API(conf, storage), stats))


@pytest.fixture
def client(test_client) -> httptest.Client:
    """A client of project ``project-a``."""
    return httptest.Client(test_client, 'project-a')


@pytest.fixture
def other(test_client) -> httptest.Client:
    """A client of another project, ``project-b``."""
    return httptest.Client(test_client, 'project-b')


@pytest.fixture
def reader(test_client) -> httptest.Client:
    """A second client of ``project-a`` (sees messages without echo)."""
    return httptest.Client(test_client, 'project-a')
