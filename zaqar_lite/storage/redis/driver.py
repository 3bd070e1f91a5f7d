"""The Redis data driver: several zaqar-lite servers may share one Redis."""

from __future__ import annotations

import time

from oslo_config import cfg

from zaqar_lite.storage import base
from zaqar_lite.storage.redis import claims
from zaqar_lite.storage.redis import connection
from zaqar_lite.storage.redis import keys
from zaqar_lite.storage.redis import messages
from zaqar_lite.storage.redis import queues

GROUP = 'drivers:message_store:redis'

#: Expired messages removed per script call by ``gc()`` (bounded so that
#: one call never blocks Redis for long).
GC_BATCH = 1000


class DataDriver(base.DataDriverBase):
    """Queues, messages and claims in Redis, changed by Lua scripts so that
    every operation is atomic across processes and servers.

    What the Redis server must provide: version 4.0 or later (6 or 7 in
    practice); ``appendonly yes`` (with ``appendfsync everysec``, or
    ``always`` to keep every acknowledged message through a crash of the
    machine); ``maxmemory-policy noeviction``, since an evicted key is a
    lost message. Keys are laid out in ``keys``; the scripts in ``lua/``
    say what each one does.
    """

    name = 'redis'

    def __init__(self, conf: cfg.ConfigOpts, clock: base.Clock = time.time):
        super().__init__(conf, clock)
        group = conf[GROUP]
        self.connection = connection.Connection(group.uri,
                                                group.socket_timeout)
        self._queues = queues.QueueController(self)
        self._messages = messages.MessageController(self)
        self._claims = claims.ClaimController(self)

    @property
    def queues(self) -> base.QueueBase:
        return self._queues

    @property
    def messages(self) -> base.MessageBase:
        return self._messages

    @property
    def claims(self) -> base.ClaimBase:
        return self._claims

    def is_alive(self) -> bool:
        return self.connection.ping()

    def location(self) -> str:
        return self.connection.location

    @connection.translate_errors
    def overview(self) -> dict[str, dict]:
        result = {}
        for project, names in self._all_queues():
            figures = {'queues': len(names), 'total': 0, 'claimed': 0,
                       'free': 0, 'delayed': 0}
            for stats in self._queues.stats_many(project, names):
                for key in ('total', 'claimed', 'free', 'delayed'):
                    figures[key] += stats[key]
            result[project] = figures
        return result

    @connection.translate_errors
    def gc(self) -> int:
        removed = 0
        for project, names in self._all_queues():
            for name in names:
                removed += self._gc_queue(project, name)
        return removed

    def close(self) -> None:
        self.connection.close()

    def _all_queues(self) -> list[tuple[str, list[str]]]:
        """``(project, queue names)`` from the project index (no SCAN)."""
        client = self.connection.client
        found = []
        for encoded in sorted(client.smembers(keys.PROJECTS)):
            names = client.zrange(keys.project_queues(encoded.decode()),
                                  0, -1)
            found.append((keys.decode(encoded.decode()),
                          [name.decode() for name in names]))
        return found

    def _gc_queue(self, project: str, name: str) -> int:
        removed = 0
        while True:
            batch = self.connection.run(
                'queue_gc', keys.script_keys(project, name),
                [repr(self.clock()), GC_BATCH])
            removed += batch
            if batch < GC_BATCH:
                return removed
