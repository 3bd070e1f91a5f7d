"""Fixtures of the functional tests: real server processes."""

import uuid

import pytest

from tests.functional import servers


@pytest.fixture(scope='session')
def wsgi_server(tmp_path_factory):
    """One zaqar-lite-server in wsgi mode, shared by the session's tests
    (each test isolates itself with its own project)."""
    server = servers.ZaqarServer(tmp_path_factory.mktemp('wsgi'))
    with server:
        yield server


@pytest.fixture
def project() -> str:
    """A project of the test's own."""
    return 'project-' + uuid.uuid4().hex
