"""Live figures of a transport, for the GMR Transport section."""

import time


class TransportStats:
    """Counters kept by a transport while it serves.

    Written by the transport as it serves (eventlet's hub thread, the
    asyncio loop, or the websocket's frame threads, which count errors
    under a lock of their own); read at any time by the report thread,
    which only needs a consistent-enough snapshot of a few integers.
    """

    def __init__(self, transport: str):
        self.transport = transport
        self.address: str | None = None
        self.started = time.time()
        self.handled = 0
        self.in_flight = 0
        self.connections = 0
        self.errors = 0

    def snapshot(self) -> dict:
        """The figures as plain data."""
        return {
            'transport': self.transport,
            'listening': self.address,
            'handled': self.handled,
            'in_flight': self.in_flight,
            'open_connections': self.connections,
            'server_errors': self.errors,
            'uptime_seconds': round(time.time() - self.started, 3),
        }
