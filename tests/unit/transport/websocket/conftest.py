"""Fixtures of the websocket transport tests: a dispatcher on a real
SQLite store in a temporary file."""

from typing import Iterator

import pytest
from oslo_config import cfg

from zaqar_lite import bootstrap
from zaqar_lite.api.v2 import API
from zaqar_lite.storage import sqlite
from zaqar_lite.transport import stats as transport_stats
from zaqar_lite.transport.websocket import dispatcher


@pytest.fixture
def conf(tmp_path) -> cfg.ConfigOpts:
    conf = bootstrap.make_config([], default_config_files=[])
    conf.set_override('path', str(tmp_path / 'db.sqlite3'),
                      group='drivers:message_store:sqlite')
    return conf


@pytest.fixture
def storage(conf) -> Iterator[sqlite.DataDriver]:
    driver = sqlite.DataDriver(conf)
    yield driver
    driver.close()


@pytest.fixture
def stats() -> transport_stats.TransportStats:
    return transport_stats.TransportStats('websocket')


@pytest.fixture
def disp(conf, storage, stats) -> dispatcher.Dispatcher:
    return dispatcher.Dispatcher(API(conf, storage), stats)
