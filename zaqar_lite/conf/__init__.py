"""Configuration options of zaqar-lite, one module per option group."""

from oslo_config import cfg

from zaqar_lite.conf import drivers
from zaqar_lite.conf import sqlite
from zaqar_lite.conf import redis
from zaqar_lite.conf import transport
from zaqar_lite.conf import websocket
from zaqar_lite.conf import wsgi

MODULES = (drivers, transport, wsgi, websocket, sqlite, redis)


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register every zaqar-lite option group on ``conf``."""
    for module in MODULES:
        module.register_opts(conf)
