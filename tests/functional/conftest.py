"""Fixtures of the functional tests: real server processes.

``wsgi_server`` is parametrized over the message stores: every test that
uses it runs once against SQLite and once against Redis, so the API is
proven to behave the same on both.
"""

import uuid
from typing import Iterator

import pytest

from tests import redis_server as redis_testing
from tests.functional import servers

#: The message stores every API test runs against.
STORES = ['sqlite', 'redis']


def redis_options(uri: str) -> dict[str, dict]:
    """The server options that select the Redis store at ``uri``."""
    return {'drivers': {'message_store': 'redis'},
            'drivers:message_store:redis': {'uri': uri}}


@pytest.fixture(scope='session')
def session_redis() -> Iterator[redis_testing.RedisServer]:
    """One redis-server for the session's functional tests (each test
    isolates itself with its own project), started on first use."""
    with redis_testing.RedisServer() as server:
        yield server


@pytest.fixture(scope='session', params=STORES)
def wsgi_server(request, tmp_path_factory) -> Iterator[servers.ZaqarServer]:
    """One zaqar-lite-server in wsgi mode per message store, shared by the
    session's tests (each test isolates itself with its own project).
    Its ``store`` attribute names the store: 'sqlite' or 'redis'."""
    store = request.param
    options = {}
    if store == 'redis':
        options = redis_options(request.getfixturevalue('session_redis').uri)
    server = servers.ZaqarServer(tmp_path_factory.mktemp('wsgi-' + store),
                                 options=options)
    server.store = store
    with server:
        yield server


@pytest.fixture
def project() -> str:
    """A project of the test's own."""
    return 'project-' + uuid.uuid4().hex
