"""Connections to the database file: one per process, opened lazily.

Requests of one process run as green threads or asyncio tasks on one OS
thread and no SQLite call yields, so one connection per process, guarded by
a lock, serves them all. Every write is one ``BEGIN IMMEDIATE``
transaction, which makes select-then-update atomic across the processes
sharing the file. A connection is never used in a process other than the
one that opened it (uWSGI forks workers after loading the application).
"""

import contextlib
import logging
import os
import pathlib
import sqlite3
import threading
from typing import Iterator, Optional

from zaqar_lite.storage import errors
from zaqar_lite.storage.sqlite import busy
from zaqar_lite.storage.sqlite import schema

LOG = logging.getLogger(__name__)

#: Page cache of a connection, in KiB (allocated as it fills).
CACHE_KIB = 32768

#: WAL pages after which a commit checkpoints (SQLite's default: 1000).
#: A post of 10 messages writes about 10 pages: with the default, every
#: 100th request or so stalls the server in a checkpoint (two fsyncs);
#: ten times fewer checkpoints halve the p99 latency under load. The WAL
#: file grows to about 40 MB.
WAL_AUTOCHECKPOINT = 10000

# Connections inherited through fork(). They are kept referenced so that
# they are never closed (and their file locks never touched) by the child.
_INHERITED: list[sqlite3.Connection] = []


class Database:
    """The database file and this process's connection to it.

    :param path: the database file; it and its directory are created.
    :param synchronous: ``'normal'`` or ``'full'``.
    :param busy_timeout: seconds a write waits for another process's lock.
    """

    def __init__(self, path: str, synchronous: str = 'normal',
                 busy_timeout: float = 30.0):
        self.path = os.path.abspath(path)
        self.synchronous = synchronous.upper()
        self.busy_timeout = busy_timeout
        self._pid: Optional[int] = None
        self._conn: Optional[sqlite3.Connection] = None
        self._lock = threading.Lock()
        self._closed = False

    def bootstrap(self) -> None:
        """Create the directory, the file (mode 0600) and the schema.

        Uses a connection of its own, closed before returning, so that a
        process that forks right after leaves no connection to its
        children.
        """
        directory = os.path.dirname(self.path)
        with _unavailable():
            os.makedirs(directory, mode=0o700, exist_ok=True)
            # SQLite gives its -wal and -shm files the mode of the database.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            conn = busy.retry(lambda: self._open(create=True),
                              self.busy_timeout)
            try:
                busy.retry(lambda: schema.create(conn), self.busy_timeout)
            finally:
                conn.close()

    def _open(self, create: bool = False) -> sqlite3.Connection:
        """A new connection in autocommit mode with our pragmas set."""
        uri = pathlib.Path(self.path).as_uri()
        if not create:
            uri += '?mode=rw'  # a vanished file is an error, not a new DB
        conn = sqlite3.connect(uri, uri=True, timeout=self.busy_timeout,
                               isolation_level=None,
                               check_same_thread=False,
                               cached_statements=256)
        try:
            self._configure(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _configure(self, conn: sqlite3.Connection) -> None:
        """Set the pragmas of a new connection."""
        conn.execute('PRAGMA busy_timeout = %d'
                     % int(self.busy_timeout * 1000))
        conn.execute('PRAGMA journal_mode = WAL')
        conn.execute('PRAGMA synchronous = %s' % self.synchronous)
        # Index pages touched by claims and deletes are scattered: a page
        # cache larger than the 2 MB default halves their cost.
        conn.execute('PRAGMA cache_size = -%d' % CACHE_KIB)
        conn.execute('PRAGMA wal_autocheckpoint = %d' % WAL_AUTOCHECKPOINT)

    def _process_lock(self) -> threading.Lock:
        """The lock of this process, forgetting what a fork inherited.

        After a fork, the parent's connection and lock are not ours: the
        connection is set aside unused, a new one is opened on demand.
        """
        pid = os.getpid()
        if self._pid != pid:
            if self._conn is not None:
                _INHERITED.append(self._conn)
                LOG.debug('Process %s: not reusing the SQLite connection '
                          'of process %s', pid, self._pid)
            self._conn, self._pid = None, pid
            self._lock = threading.Lock()
        return self._lock

    def _connection(self) -> sqlite3.Connection:
        """This process's connection, opened on first use."""
        if self._conn is None:
            if self._closed:
                raise errors.ServiceUnavailable('The driver is closed')
            self._conn = self._open()
        return self._conn

    @contextlib.contextmanager
    def transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        """A transaction on this process's connection.

        ``write`` takes the database write lock at once (``BEGIN
        IMMEDIATE``); otherwise the transaction is a consistent read
        snapshot. Commits on success, rolls back on any error. SQLite
        operational errors (locked, busy, I/O) become ServiceUnavailable.
        """
        with _unavailable():
            # Busy retries sleep (and may yield to other green threads)
            # between attempts, never while holding the lock.
            lock, conn = busy.retry(lambda: self._begin(write),
                                    self.busy_timeout)
            try:
                yield conn
                conn.execute('COMMIT')
            except BaseException:
                if conn.in_transaction:
                    conn.execute('ROLLBACK')
                raise
            finally:
                lock.release()

    def query(self, sql: str, args=()) -> list[tuple]:
        """The rows of one read statement, outside any transaction.

        A single statement reads one consistent snapshot by itself: no
        BEGIN, snapshot pragma and COMMIT around it (three statements
        more per call). Busy and I/O errors are handled as in
        ``transaction``.
        """
        with _unavailable():
            return busy.retry(lambda: self._query(sql, args),
                              self.busy_timeout)

    def _query(self, sql: str, args) -> list[tuple]:
        # fetchall runs the statement to its end, which ends its implicit
        # read transaction at once.
        with self._process_lock():
            return self._connection().execute(sql, args).fetchall()

    def _begin(self, write: bool
               ) -> tuple[threading.Lock, sqlite3.Connection]:
        """Take the process lock and open a transaction; on failure, the
        lock is released again."""
        lock = self._process_lock()
        lock.acquire()
        try:
            conn = self._connection()
            _begin(conn, write)
        except BaseException:
            lock.release()
            raise
        return lock, conn

    @contextlib.contextmanager
    def private(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection of the calling thread, for callers on
        other OS threads (the report thread): never the request one."""
        with _unavailable():
            conn = busy.retry(self._open, self.busy_timeout)
            try:
                yield conn
            finally:
                conn.close()

    def close(self) -> None:
        """Close this process's connection; the object is unusable after."""
        with self._process_lock():
            self._closed = True
            if self._conn is not None:
                self._conn.close()
            self._conn = None


def _begin(conn: sqlite3.Connection, write: bool) -> None:
    """Open a transaction that already holds its lock or snapshot, so
    that a transient busy state fails here, where it can be retried."""
    try:
        if write:
            conn.execute('BEGIN IMMEDIATE')
        else:
            conn.execute('BEGIN')
            conn.execute('PRAGMA schema_version')  # takes the snapshot
    except sqlite3.OperationalError:
        if conn.in_transaction:
            conn.execute('ROLLBACK')
        raise


@contextlib.contextmanager
def _unavailable() -> Iterator[None]:
    """Turn a failure to reach or lock the file into ServiceUnavailable."""
    try:
        yield
    except (sqlite3.OperationalError, OSError) as exc:
        LOG.warning('SQLite storage unavailable: %s', exc)
        raise errors.ServiceUnavailable(str(exc)) from exc
