"""The Redis connection: a thread-safe pool, fork safety, error mapping."""

from __future__ import annotations

import functools
import logging
import os
import threading
from typing import Any, Callable, TypeVar

import redis
import redis.backoff
import redis.exceptions
import redis.retry

import gmr.masking
from zaqar_lite.storage import errors
from zaqar_lite.storage.redis import scripts

LOG = logging.getLogger(__name__)

F = TypeVar('F', bound=Callable[..., Any])

#: Redis errors that mean "not reachable now, retry later" (HTTP 503).
UNAVAILABLE = (
    redis.exceptions.ConnectionError,   # refused, reset, LOADING, auth
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,     # a replica, during a fail-over
    redis.exceptions.OutOfMemoryError,
)

#: ResponseError prefixes with the same meaning (no dedicated class).
UNAVAILABLE_REPLIES = ('BUSY ', 'MASTERDOWN ', 'TRYAGAIN ', 'CLUSTERDOWN ')


def translate_errors(func: F) -> F:
    """Raise ``errors.ServiceUnavailable`` for any Redis availability
    error, so that callers only ever see storage errors."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except UNAVAILABLE as exc:
            raise errors.ServiceUnavailable(str(exc)) from exc
        except redis.exceptions.ResponseError as exc:
            if str(exc).startswith(UNAVAILABLE_REPLIES):
                raise errors.ServiceUnavailable(str(exc)) from exc
            raise
    return wrapper  # type: ignore[return-value]


class Connection:
    """A Redis client built from the URI, rebuilt in a forked child.

    redis-py's pool is thread-safe, so one client serves every thread.
    No command is retried by redis-py: a script that timed out may have
    run, and running it twice could post a batch twice. A connection the
    server closed (restart) is detected by the pool before it is used.
    """

    def __init__(self, uri: str, socket_timeout: float):
        self.uri = uri
        #: The URI with its password masked, for logs and reports.
        self.location = gmr.masking.mask_url(uri)
        self.socket_timeout = socket_timeout
        self._lock = threading.Lock()
        self._pid = None
        self._client = None
        self._scripts = {}

    def _build(self) -> None:
        self._client = redis.Redis.from_url(
            self.uri, socket_timeout=self.socket_timeout,
            socket_connect_timeout=self.socket_timeout,
            retry=redis.retry.Retry(redis.backoff.NoBackoff(), 0))
        self._scripts = scripts.load_all(self._client)
        self._pid = os.getpid()

    @property
    def client(self) -> redis.Redis:
        """The client of this process (a new pool after a fork: sockets
        inherited from the parent are never used by the child)."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._build()
        return self._client

    def run(self, name: str, keys: list[str], args: list) -> Any:
        """Run script ``name`` in one round trip (EVALSHA; the script is
        loaded again when Redis answers NOSCRIPT)."""
        client = self.client
        return self._scripts[name](keys=keys, args=args, client=client)

    def run_many(self, name: str, calls: list[tuple[list, list]]) -> list:
        """Run script ``name`` once per ``(keys, args)`` of ``calls``, all
        in one pipeline (one round trip once the script is loaded)."""
        pipe = self.client.pipeline(transaction=False)
        for keys, args in calls:
            self._scripts[name](keys=keys, args=args, client=pipe)
        return pipe.execute()

    def ping(self) -> bool:
        """Whether Redis answers now; never raises."""
        try:
            return bool(self.client.ping())
        except Exception:  # noqa: B902 - any failure means "not alive"
            LOG.debug('Redis at %s does not answer', self.location,
                      exc_info=True)
            return False

    def close(self) -> None:
        """Close this process's connections."""
        if self._client is not None and self._pid == os.getpid():
            self._client.close()
            self._client.connection_pool.disconnect()
        self._client = None
        self._pid = None
