"""Options of the [drivers] group: which transport and storage to run."""

from oslo_config import cfg

GROUP = cfg.OptGroup('drivers', title='Transport and storage drivers')

OPTS = [
    cfg.StrOpt('transport', default='wsgi', choices=['wsgi', 'websocket'],
               help='Transport served by zaqar-lite-server: the HTTP API '
                    '(wsgi, on eventlet) or the websocket protocol '
                    '(websocket, on asyncio).'),
    cfg.StrOpt('message_store', default='sqlite',
               choices=['sqlite', 'redis'],
               help='Storage driver for queues, messages and claims.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(GROUP)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
