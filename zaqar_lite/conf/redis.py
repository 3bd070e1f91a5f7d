"""Options of the [drivers:message_store:redis] group: the shared store."""

from oslo_config import cfg

from zaqar_lite.conf import groups

GROUP = cfg.OptGroup('drivers:message_store:redis',
                     title='Redis storage driver')

OPTS = [
    cfg.StrOpt('uri', default='redis://127.0.0.1:6379/0', secret=False,
               help='Redis connection URI: redis://[:password@]host:port/db '
                    'or unix://[:password@]/path/to/socket?db=N. The '
                    'password is masked wherever zaqar-lite shows the URI.'),
    cfg.FloatOpt('socket_timeout', default=5.0, min=0.1,
                 help='Seconds to wait for Redis before a request fails '
                      'with 503.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register(conf, GROUP, OPTS)


def list_opts():
    return {GROUP: OPTS}
