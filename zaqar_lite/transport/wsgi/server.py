"""The wsgi run mode: eventlet's WSGI server, green threads, clean stop.

SIGTERM and SIGINT stop accepting connections, let the requests in
flight finish (bounded by ``STOP_GRACE`` seconds), close storage and
exit. Idle keep-alive connections are simply closed with the process.
"""

import logging
import signal
import warnings

# eventlet announces its maintenance mode on import; operators cannot act
# on it, so it stays out of the server's log.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated',
                        category=Warning)
import eventlet  # noqa: E402

# The whole process cooperates with the hub: storage sockets (Redis) and
# sleeps yield to other requests instead of blocking them.
eventlet.monkey_patch()

import eventlet.wsgi  # noqa: E402

from zaqar_lite import bootstrap  # noqa: E402
from zaqar_lite.transport.wsgi import app as wsgi_app  # noqa: E402

LOG = logging.getLogger(__name__)

STOP_GRACE = 30.0
_real_os = eventlet.patcher.original('os')


def run(conf) -> int:
    """Serve until SIGTERM or SIGINT; returns the exit status."""
    service = bootstrap.Service(conf, 'wsgi')
    opts = conf['drivers:transport:wsgi']
    sock = eventlet.listen((opts.bind, opts.port))
    host, port = sock.getsockname()[:2]
    service.stats.address = '%s:%d' % (host, port)
    application = wsgi_app.create_app(service.api, service.stats)
    stop_fd = _install_stop_signals()
    service.start_reports()
    server = eventlet.spawn(
        eventlet.wsgi.server, sock, application,
        custom_pool=eventlet.GreenPool(opts.workers), log=LOG,
        log_output=False, keepalive=opts.keepalive_timeout or True,
        socket_timeout=opts.keepalive_timeout or None)
    LOG.info('Serving the v2 HTTP API on http://%s:%d', host, port)
    eventlet.hubs.trampoline(stop_fd, read=True)
    LOG.info('Stopping: no new connections, finishing requests in flight')
    server.kill()
    sock.close()
    _wait_for_requests(service.stats)
    service.close()
    LOG.info('Stopped')
    return 0


def _install_stop_signals() -> int:
    """SIGTERM/SIGINT only write a byte to a pipe (safe in a handler);
    the main green thread waits on that pipe. Returns its read end."""
    read_fd, write_fd = _real_os.pipe()
    _real_os.set_blocking(write_fd, False)

    def request_stop(signum, frame):
        try:
            _real_os.write(write_fd, b'x')
        except BlockingIOError:  # a stop is already pending
            pass

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return read_fd


def _wait_for_requests(stats) -> None:
    deadline = eventlet.hubs.get_hub().clock() + STOP_GRACE
    while stats.in_flight and eventlet.hubs.get_hub().clock() < deadline:
        eventlet.sleep(0.01)
    if stats.in_flight:
        LOG.warning('%d requests still in flight after %.0f s',
                    stats.in_flight, STOP_GRACE)
