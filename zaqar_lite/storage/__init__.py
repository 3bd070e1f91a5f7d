"""Storage: the written contract (``base``), its errors and its drivers."""

import importlib
import time

from oslo_config import cfg

from zaqar_lite.storage import base

#: message_store name -> module whose ``DataDriver`` implements it.
DRIVERS = {
    'sqlite': 'zaqar_lite.storage.sqlite',
    'redis': 'zaqar_lite.storage.redis',
}


def load(conf: cfg.ConfigOpts, clock: base.Clock = time.time
         ) -> base.DataDriverBase:
    """Build the storage driver named by ``[drivers] message_store``."""
    module = importlib.import_module(DRIVERS[conf.drivers.message_store])
    return module.DataDriver(conf, clock=clock)
