"""Options of the [drivers] group: which transport and storage to run."""

from oslo_config import cfg

from zaqar_lite.conf import groups

GROUP = cfg.OptGroup('drivers', title='Transport and storage drivers')

OPTS = [
    cfg.StrOpt('transport', default='wsgi',
               choices=[('wsgi', 'the v2 HTTP API, served by eventlet'),
                        ('websocket', 'the websocket protocol, served by '
                                      'autobahn on asyncio')],
               help='Transport served by zaqar-lite-server.'),
    cfg.StrOpt('message_store', default='sqlite',
               choices=[('sqlite', 'an embedded SQLite file (one machine)'),
                        ('redis', 'a Redis server, shared by several '
                                  'zaqar-lite servers')],
               help='Storage driver for queues, messages and claims.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register(conf, GROUP, OPTS)


def list_opts():
    return {GROUP: OPTS}
