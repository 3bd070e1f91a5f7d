"""Options of [drivers:transport:websocket]: the websocket listener."""

from oslo_config import cfg

from zaqar_lite.conf import groups

GROUP = cfg.OptGroup('drivers:transport:websocket',
                     title='Websocket transport')

OPTS = [
    cfg.HostAddressOpt('bind', default='127.0.0.1',
                       help='Address on which the websocket server listens.'),
    cfg.PortOpt('port', default=9000,
                help='Port on which the websocket server listens (0 picks a '
                     'free port, which is then logged).'),
    cfg.IntOpt('storage_threads', min=0,
               help='Threads that answer frames (decoding, the storage '
                    'call, encoding). 0 answers on the event loop itself, '
                    'the fastest with SQLite, whose calls are short and '
                    'local; threads keep a slow storage call (a Redis '
                    'that does not answer) from freezing the other '
                    'connections. Unset: 0 with SQLite, 4 with Redis.'),
    cfg.IntOpt('max_frame_size', default=1048576, min=1024,
               help='Largest frame, in bytes, accepted from a client; a '
                    'larger one gets an error reply.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register(conf, GROUP, OPTS)


def list_opts():
    return {GROUP: OPTS}
