"""Fixtures of the v2 operation layer tests: the API object on a real
SQLite store, with the clock and store of the HTTP transport tests."""

import pytest

from tests.unit.transport.wsgi.conftest import clock  # noqa: F401
from tests.unit.transport.wsgi.conftest import conf  # noqa: F401
from tests.unit.transport.wsgi.conftest import db_dir  # noqa: F401
from tests.unit.transport.wsgi.conftest import storage  # noqa: F401
from zaqar_lite.api import context
from zaqar_lite.api.v2 import API


@pytest.fixture
def api(conf, storage) -> API:  # noqa: F811
    return API(conf, storage)


@pytest.fixture
def ctx() -> context.RequestContext:
    return context.make_context('8fa1c8e0c1f24f3e9a0f1c6f7c1f0b7a', 'p')
