"""Options of the [drivers:transport:wsgi] group: the HTTP listener."""

from oslo_config import cfg

from zaqar_lite.conf import groups

GROUP = cfg.OptGroup('drivers:transport:wsgi', title='HTTP transport')

OPTS = [
    cfg.HostAddressOpt('bind', default='127.0.0.1',
                       help='Address on which the HTTP API listens.'),
    cfg.PortOpt('port', default=8888,
                help='Port on which the HTTP API listens (0 picks a free '
                     'port, which is then logged).'),
    cfg.IntOpt('workers', default=1000, min=1,
               help='Size of the green-thread pool that serves requests, '
                    'i.e. how many requests are handled at once.'),
    cfg.IntOpt('keepalive_timeout', default=60, min=0,
               help='Seconds an idle keep-alive connection is kept open; '
                    '0 keeps it until the client closes it.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register(conf, GROUP, OPTS)


def list_opts():
    return {GROUP: OPTS}
