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
    cfg.IntOpt('storage_threads', default=4, min=0,
               help='Threads that answer frames (decoding, the storage '
                    'call, encoding), so that a slow storage call never '
                    'freezes the other connections; 0 answers on the '
                    'event loop itself.'),
    cfg.IntOpt('max_frame_size', default=1048576, min=1024,
               help='Largest frame, in bytes, accepted from a client; a '
                    'larger one gets an error reply.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register(conf, GROUP, OPTS)


def list_opts():
    return {GROUP: OPTS}
