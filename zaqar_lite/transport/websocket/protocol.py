"""The autobahn protocol: each connection's frames answered in order.

Each connection has its own task, named ``ws-connection-<peer>`` so that
the GMR's Asyncio Tasks section shows who is connected and what each
connection is waiting for. The task takes the connection's frames in
order and has each answered in the factory's executor (decoding, the
synchronous storage call, encoding), then sends the reply from the loop.

Without an executor, frames are answered on the loop itself: at once, in
the loop iteration that read them, unless the connection already has
frames waiting, its client is not reading replies, or it has had its
turn (``BURST`` frames from one read); then the task answers them.

Backpressure both ways: reading pauses while too many frames wait, and a
connection stops answering while its client does not read the replies.
"""

import asyncio
import concurrent.futures
import logging
import time

from autobahn.asyncio import websocket

from zaqar_lite.transport import stats as transport_stats
from zaqar_lite.transport.websocket import connections
from zaqar_lite.transport.websocket import dispatcher as dispatcher_mod

LOG = logging.getLogger(__name__)

#: Frames waiting on one connection before it stops reading, and the
#: level at which it reads again.
HIGH_WATER = 64
LOW_WATER = 16
#: Frames answered in a row (from one read, or by the task) before other
#: connections get their turn.
BURST = 8
#: Close code sent to clients when the server stops: "normal closure"
#: (autobahn lets an application send only 1000 or 3000-4999).
STOP_CLOSE_CODE = 1000


class ConnectionProtocol(websocket.WebSocketServerProtocol):
    """One client connection (built by ``ServerFactory``)."""

    factory: 'ServerFactory'

    def connection_made(self, transport) -> None:
        peer = transport.get_extra_info('peername') or ('unknown', 0)
        self.peer_name = '%s:%s' % tuple(peer[:2])
        self.opened = time.time()
        self.handled = 0
        self.task: asyncio.Task | None = None
        self._inbox: asyncio.Queue = asyncio.Queue()
        self._writable = asyncio.Event()
        self._writable.set()
        self._reading_paused = False
        self._is_open = False
        self._oversized = False
        self._inline_budget = 0
        self.factory.registry.add(self)
        super().connection_made(transport)

    def connection_lost(self, exc) -> None:
        try:
            super().connection_lost(exc)
        finally:
            self._writable.set()
            self._end()
            self.factory.registry.remove(self)

    def data_received(self, data: bytes) -> None:
        # autobahn's asyncio adapter defers every read to a later loop
        # iteration through a future; parsing at once saves that hop on
        # every request (Twisted's adapter parses at once too).
        self._inline_budget = BURST
        try:
            self._dataReceived(data)
        except Exception:
            LOG.exception('Dropping the connection of %s: unexpected error '
                          'while reading', self.peer_name)
            self._closeConnection(abort=True)

    # Flow control of asyncio's transport: stop answering while the
    # client does not read.
    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    def onOpen(self) -> None:
        self._is_open = True
        self.factory.stats.connections += 1
        self.task = asyncio.get_running_loop().create_task(
            self._serve(), name='ws-connection-%s' % self.peer_name)

    def onClose(self, wasClean: bool, code, reason) -> None:
        self._end()

    def _end(self) -> None:
        """The connection is gone: the task answers what it already
        received (its replies go nowhere), then ends."""
        if self._is_open:
            self._is_open = False
            self.factory.stats.connections -= 1
            self._inbox.put_nowait(None)

    # Frame assembly: a message larger than max_frame_size is counted but
    # not kept, and answered with an error once it has ended.
    def onMessageBegin(self, isBinary: bool) -> None:
        super().onMessageBegin(isBinary)
        self._oversized = False

    def onMessageFrameBegin(self, length: int) -> None:
        super().onMessageFrameBegin(length)
        if self.message_data_total_length > self.factory.max_frame_size:
            self._oversized = True
            self.message_data = []

    def onMessageFrameData(self, payload: bytes) -> None:
        if not self._oversized:
            super().onMessageFrameData(payload)

    def onMessageEnd(self) -> None:
        if not self._oversized:
            super().onMessageEnd()
            return
        self.message_data = None
        self._receive((None, self.message_is_binary,
                       self.message_data_total_length))

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self._receive((payload, isBinary, len(payload)))

    def _receive(self, item: tuple) -> None:
        """Answer now if nothing is ahead of this frame; else queue it."""
        self.factory.stats.in_flight += 1
        if (self.factory.executor is None and self._inline_budget > 0
                and self._inbox.empty() and self._writable.is_set()):
            self._inline_budget -= 1
            self._deliver(self._reply(*item), item[1])
            return
        self._inbox.put_nowait(item)
        if (self._inbox.qsize() >= HIGH_WATER and not self._reading_paused
                and self.transport is not None):
            self._reading_paused = True
            self.transport.pause_reading()

    async def _serve(self) -> None:
        """Answer the frames of this connection, in order, until it
        ends."""
        loop = asyncio.get_running_loop()
        executor = self.factory.executor
        burst = 0
        while True:
            item = await self._inbox.get()
            if item is None:
                return
            if executor is None:
                reply = self._reply(*item)
            else:
                reply = await loop.run_in_executor(executor, self._reply,
                                                   *item)
            self._deliver(reply, item[1])
            await self._writable.wait()
            burst += 1
            if burst >= BURST:
                burst = 0
                await asyncio.sleep(0)

    def _reply(self, payload: bytes | None, is_binary: bool,
               size: int) -> bytes:
        """The encoded reply to a frame (``payload`` None: too large)."""
        if payload is None:
            return self.factory.dispatcher.encode(
                dispatcher_mod.too_large_reply(
                    size, self.factory.max_frame_size), is_binary)
        return self.factory.dispatcher.reply(payload, is_binary)

    def _deliver(self, reply: bytes, is_binary: bool) -> None:
        """Send a reply if the client is still there; count the frame."""
        stats = self.factory.stats
        try:
            if self.state == self.STATE_OPEN:
                self.sendMessage(reply, isBinary=is_binary)
        except Exception:
            LOG.exception('Cannot answer a frame from %s', self.peer_name)
        finally:
            stats.in_flight -= 1
            stats.handled += 1
            self.handled += 1
        if (self._reading_paused and self._inbox.qsize() <= LOW_WATER
                and self.transport is not None):
            self._reading_paused = False
            self.transport.resume_reading()

    # What the connection registry needs.
    def queued(self) -> int:
        """Frames received and not answered yet."""
        return self._inbox.qsize()

    def state_name(self) -> str:
        """The websocket state: connecting, open, closing or closed."""
        return {self.STATE_CONNECTING: 'connecting',
                self.STATE_OPEN: 'open', self.STATE_CLOSING: 'closing',
                self.STATE_CLOSED: 'closed'}.get(self.state, 'unknown')

    def close_for_stop(self) -> None:
        """Start a clean close: a close frame, or the end of a handshake
        that has not finished."""
        if self.state == self.STATE_OPEN:
            self.sendClose(STOP_CLOSE_CODE, 'The server is stopping.')
        elif self.state == self.STATE_CONNECTING and self.transport:
            self.transport.close()

    def abort(self) -> None:
        """Drop the TCP connection now."""
        if self.transport is not None:
            self.transport.abort()


class ServerFactory(websocket.WebSocketServerFactory):
    """Builds ``ConnectionProtocol``s that share one dispatcher.

    :param max_frame_size: bytes; a larger message gets an error reply
        (the connection stays open).
    :param executor: where frames are answered (decoding, the storage
        call, encoding); None answers them on the loop itself.
    """

    protocol = ConnectionProtocol

    def __init__(self, dispatcher: dispatcher_mod.Dispatcher,
                 stats: transport_stats.TransportStats,
                 registry: connections.Registry, max_frame_size: int,
                 loop: asyncio.AbstractEventLoop,
                 executor: concurrent.futures.Executor | None = None):
        super().__init__(loop=loop)
        self.executor = executor
        self.dispatcher = dispatcher
        self.stats = stats
        self.registry = registry
        self.max_frame_size = max_frame_size
        # Limits and UTF-8 are checked here, with an error reply, instead
        # of autobahn failing the whole connection.
        self.setProtocolOptions(utf8validateIncoming=False,
                                maxFramePayloadSize=0,
                                maxMessagePayloadSize=0)
