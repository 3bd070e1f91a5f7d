"""The SQLite data driver: controllers, health, overview and clean-up."""

import contextlib
import logging
import sqlite3
import time
from typing import Iterator

from oslo_config import cfg

from zaqar_lite.conf import sqlite as sqlite_conf
from zaqar_lite.storage import base
from zaqar_lite.storage import errors
from zaqar_lite.storage.sqlite import claims
from zaqar_lite.storage.sqlite import connection
from zaqar_lite.storage.sqlite import queues
from zaqar_lite.storage.sqlite import messages

LOG = logging.getLogger(__name__)

#: Clock seconds between two opportunistic clean-ups in one process.
CLEANUP_INTERVAL = 10.0

#: Expired messages removed by one opportunistic clean-up, so that a
#: request never pays for a large backlog; a full batch schedules the next
#: one at once.
CLEANUP_BATCH = 1000

_OVERVIEW = """SELECT project, COUNT(*), SUM(claim_expires > :now),
    SUM(visible > :now) FROM messages WHERE expires > :now
    GROUP BY project"""


class DataDriver(base.DataDriverBase):
    """Queues, messages and claims in one SQLite file (WAL journal) that
    several processes may share."""

    name = 'sqlite'

    def __init__(self, conf: cfg.ConfigOpts, clock: base.Clock = time.time):
        super().__init__(conf, clock)
        group = conf[sqlite_conf.GROUP.name]
        self.db = connection.Database(
            group.path,
            synchronous=group.synchronous, busy_timeout=group.busy_timeout)
        self.db.bootstrap()
        self._queues = queues.QueueController(self)
        self._messages = messages.MessageController(self)
        self._claims = claims.ClaimController(self)
        self._next_cleanup = 0.0

    @property
    def queues(self) -> queues.QueueController:
        return self._queues

    @property
    def messages(self) -> messages.MessageController:
        return self._messages

    @property
    def claims(self) -> claims.ClaimController:
        return self._claims

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; expired rows are cleaned up now and then
        after it commits."""
        with self.db.transaction(write=True) as conn:
            yield conn
        if self.clock() >= self._next_cleanup:
            try:
                self._cleanup()
            except errors.ServiceUnavailable:
                # The write itself succeeded; the next one cleans up.
                LOG.debug('Clean-up of expired messages postponed')

    def read(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """A read transaction (one consistent snapshot)."""
        return self.db.transaction(write=False)

    def _cleanup(self) -> None:
        """Delete a batch of expired messages and expired claims."""
        now = self.clock()
        # Scheduled first: a failed clean-up must not make every
        # following write try (and wait) again.
        self._next_cleanup = now + CLEANUP_INTERVAL
        with self.db.transaction(write=True) as conn:
            removed = _delete_expired(conn, now, CLEANUP_BATCH)
        if removed >= CLEANUP_BATCH:
            self._next_cleanup = now
        if removed:
            LOG.debug('Removed %d expired messages', removed)

    def gc(self) -> int:
        with self.db.transaction(write=True) as conn:
            return _delete_expired(conn, self.clock(), -1)

    def is_alive(self) -> bool:
        # The serving connection: a ping costs one tiny read, and a closed
        # driver answers False like any unreachable store.
        try:
            with self.read() as conn:
                conn.execute('SELECT 1 FROM queues LIMIT 1').fetchone()
        except Exception:  # whatever the cause, the store does not answer
            return False
        return True

    def location(self) -> str:
        return self.db.path

    def overview(self) -> dict[str, dict]:
        now = self.clock()
        figures: dict[str, dict] = {}
        with self.db.private() as conn:
            for project, count in conn.execute(
                    'SELECT project, COUNT(*) FROM queues GROUP BY project'):
                figures[project] = _figures(count)
            for project, total, claimed, delayed in conn.execute(
                    _OVERVIEW, {'now': now}):
                entry = figures.setdefault(project, _figures(0))
                entry.update(total=total, claimed=claimed,
                             free=total - claimed, delayed=delayed)
        return figures

    def close(self) -> None:
        self.db.close()


def _figures(queue_count: int) -> dict:
    """Overview figures of a project with no live message."""
    return {'queues': queue_count, 'total': 0, 'claimed': 0, 'free': 0,
            'delayed': 0}


def _delete_expired(conn: sqlite3.Connection, now: float,
                    limit: int) -> int:
    """Delete up to ``limit`` (-1: all) expired messages and every expired
    claim; returns how many messages went."""
    removed = conn.execute(
        'DELETE FROM messages WHERE seq IN (SELECT seq FROM messages '
        'WHERE expires <= ? LIMIT ?)', (now, limit)).rowcount
    conn.execute('DELETE FROM claims WHERE expires <= ?', (now,))
    return removed
