"""The websocket run mode: autobahn on asyncio, clean stop on SIGTERM.

The loop does the websocket protocol; a small pool of threads answers
frames through the shared v2 operation layer, one frame at a time per
connection, so replies keep the order of requests.

SIGTERM and SIGINT stop accepting connections, send every client a close
frame, let each connection answer the frames it already received (bounded
by ``STOP_GRACE`` seconds), close storage and exit 0.
"""

import asyncio
import concurrent.futures
import logging
import signal

import gmr
from zaqar_lite import bootstrap
from zaqar_lite.transport.websocket import connections
from zaqar_lite.transport.websocket import dispatcher
from zaqar_lite.transport.websocket import protocol

LOG = logging.getLogger(__name__)

STOP_GRACE = 10.0
SECTION = 'Websocket Connections'


def run(conf) -> int:
    """Serve until SIGTERM or SIGINT; returns the exit status."""
    service = bootstrap.Service(conf, 'websocket')
    try:
        return asyncio.run(serve(service))
    finally:
        service.close()


def _frame_executor(threads: int | None, store: str
                    ) -> concurrent.futures.ThreadPoolExecutor | None:
    """Where frames are answered: None for the loop itself.

    Measured on 2 cores (benchmarks/websocket_load.py): with SQLite,
    answering on the loop posted 1.4x and consumed 1.3x the messages of
    the wsgi mode, 4 threads only 0.7x and 0.8x (the hand-offs cost more
    than SQLite's short calls). With Redis a call may wait for the
    network, and threads keep it from freezing every connection.
    """
    if threads is None:
        threads = 4 if store == 'redis' else 0
    if not threads:
        return None
    return concurrent.futures.ThreadPoolExecutor(
        threads, thread_name_prefix='ws-storage')


async def serve(service: bootstrap.Service) -> int:
    """Serve ``service`` on the running loop until a stop signal."""
    loop = asyncio.get_running_loop()
    asyncio.current_task().set_name('ws-server')
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    registry = connections.Registry()
    # Reports first: a SIGUSR2 must never meet the default action, which
    # would kill a server that already accepts connections.
    service.start_reports(loop=loop)
    gmr.register_section(SECTION, registry.snapshot)
    opts = service.conf['drivers:transport:websocket']
    executor = _frame_executor(opts.storage_threads, service.storage.name)
    factory = protocol.ServerFactory(
        dispatcher.Dispatcher(service.api, service.stats), service.stats,
        registry, opts.max_frame_size, loop, executor)
    server = await loop.create_server(factory, opts.bind, opts.port)
    host, port = server.sockets[0].getsockname()[:2]
    service.stats.address = '%s:%d' % (host, port)
    LOG.info('Serving the v2 websocket API on ws://%s:%d', host, port)
    await stop.wait()
    LOG.info('Stopping: closing %d connections', len(registry))
    server.close()
    await registry.close_all(STOP_GRACE)
    if executor is not None:
        executor.shutdown(wait=True)
    LOG.info('Stopped')
    return 0
