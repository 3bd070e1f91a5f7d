"""The v2 API object that both transports are built on."""

from oslo_config import cfg

from zaqar_lite.api import claims
from zaqar_lite.api import messages
from zaqar_lite.api import queues
from zaqar_lite.api import service
from zaqar_lite.api import validation
from zaqar_lite.storage import base


class API:
    """Every v2 operation, grouped like the storage controllers.

    :param conf: the service configuration (``[transport]`` limits).
    :param storage: the storage driver the operations run on.
    """

    def __init__(self, conf: cfg.ConfigOpts, storage: base.DataDriverBase):
        validator = validation.Validator(conf)
        self.conf = conf
        self.storage = storage
        self.queues = queues.QueueOperations(conf, storage, validator)
        self.messages = messages.MessageOperations(conf, storage, validator,
                                                   self.queues)
        self.claims = claims.ClaimOperations(conf, storage, validator)
        self.service = service.ServiceOperations(storage)
