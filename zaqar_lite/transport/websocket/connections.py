"""The open websocket connections: for the GMR and for a clean stop."""

import asyncio
import logging
import time
from typing import Any, Protocol

LOG = logging.getLogger(__name__)

#: Connections the GMR lists one by one; the others are only counted (the
#: Asyncio Tasks section names every connection's task anyway).
LISTED = 100


class Connection(Protocol):
    """What the registry needs of a connection (see protocol.py)."""

    peer_name: str
    opened: float
    handled: int
    task: asyncio.Task | None

    def queued(self) -> int:
        """Frames received and not answered yet."""

    def state_name(self) -> str:
        """'connecting', 'open', 'closing' or 'closed'."""

    def close_for_stop(self) -> None:
        """Begin a clean close (a close frame)."""

    def abort(self) -> None:
        """Drop the connection at once."""


class Registry:
    """Connections from TCP accept to TCP close.

    Changed only on the event loop; ``snapshot`` may be called from the
    report thread, so it copies before it reads.
    """

    def __init__(self) -> None:
        self._connections: set = set()
        self._empty = asyncio.Event()
        self._empty.set()

    def __len__(self) -> int:
        return len(self._connections)

    def add(self, connection: Connection) -> None:
        """A connection was accepted."""
        self._connections.add(connection)
        self._empty.clear()

    def remove(self, connection: Connection) -> None:
        """A connection is gone (TCP closed)."""
        self._connections.discard(connection)
        if not self._connections:
            self._empty.set()

    def snapshot(self) -> dict[str, Any]:
        """The GMR section: how many are open and, for at most
        ``LISTED`` of them (those with frames waiting first, then the
        oldest), who and how busy. Safe from any thread."""
        now = time.time()
        conns = sorted(list(self._connections),
                       key=lambda c: (-c.queued(), c.opened))
        listed = [{
            'peer': conn.peer_name, 'state': conn.state_name(),
            'task': conn.task.get_name() if conn.task else None,
            'open_seconds': round(now - conn.opened, 3),
            'frames_handled': conn.handled,
            'frames_queued': conn.queued()} for conn in conns[:LISTED]]
        return {'open': len(conns), 'connections': listed,
                'not_listed': max(0, len(conns) - LISTED)}

    async def close_all(self, timeout: float) -> None:
        """Send every client a close frame, wait (at most ``timeout``
        seconds) for the connections to go and their tasks to answer the
        frames already received; then abort whatever is left."""
        for conn in list(self._connections):
            conn.close_for_stop()
        tasks = [c.task for c in self._connections if c.task]
        try:
            await asyncio.wait_for(self._empty.wait(), timeout)
            if tasks:
                await asyncio.wait(tasks, timeout=timeout)
        except asyncio.TimeoutError:
            pass
        if self._connections:
            LOG.warning('%d connections did not close in %.0f s; aborting',
                        len(self._connections), timeout)
            for conn in list(self._connections):
                conn.abort()
