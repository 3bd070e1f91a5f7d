"""Queues on Redis: a hash per queue, a sorted set of names per project."""

from __future__ import annotations

import json
from typing import Optional

from zaqar_lite.storage import base
from zaqar_lite.storage import errors
from zaqar_lite.storage.redis import connection
from zaqar_lite.storage.redis import keys
from zaqar_lite.storage.redis import records

_translate = connection.translate_errors


class QueueController(base.QueueBase):
    """Queue operations; writes that check existence run as scripts."""

    @property
    def _redis(self):
        return self.driver.connection.client

    def _run(self, name: str, project: str, queue: str, *args) -> object:
        return self.driver.connection.run(
            name, keys.script_keys(project, queue),
            [repr(self.now()), *args])

    @_translate
    def list(self, project: str, marker: Optional[str] = None,
             limit: int = 10, detailed: bool = False
             ) -> tuple[list[dict], Optional[str]]:
        low = '(' + marker if marker else '-'
        names = [name.decode() for name in self._redis.zrangebylex(
            keys.project_queues(keys.encode(project)), low, '+', 0, limit)]
        queues = [{'name': name} for name in names]
        if detailed and names:
            pipe = self._redis.pipeline(transaction=False)
            for name in names:
                pipe.hget(self._key(project, name), 'm')
            for queue, meta in zip(queues, pipe.execute()):
                queue['metadata'] = json.loads(meta) if meta else {}
        return queues, (names[-1] if names else None)

    @_translate
    def count(self, project: str) -> int:
        return self._redis.zcard(keys.project_queues(keys.encode(project)))

    @_translate
    def create(self, project: str, name: str,
               metadata: Optional[dict] = None) -> bool:
        return bool(self._run('queue_create', project, name,
                              keys.encode(project), name,
                              json.dumps(metadata or {})))

    @_translate
    def exists(self, project: str, name: str) -> bool:
        return bool(self._redis.exists(self._key(project, name)))

    @_translate
    def get_metadata(self, project: str, name: str) -> dict:
        meta = self._redis.hget(self._key(project, name), 'm')
        if meta is None:
            raise errors.QueueDoesNotExist(name, project)
        return json.loads(meta)

    @_translate
    def set_metadata(self, project: str, name: str, metadata: dict) -> None:
        if not self._run('queue_set_metadata', project, name,
                         json.dumps(metadata)):
            raise errors.QueueDoesNotExist(name, project)

    @_translate
    def delete(self, project: str, name: str) -> None:
        self._run('queue_delete', project, name, keys.encode(project), name)

    @_translate
    def purge(self, project: str, name: str) -> None:
        self._run('queue_purge', project, name)

    @_translate
    def stats(self, project: str, name: str) -> dict:
        return self.stats_many(project, [name])[0]

    def stats_many(self, project: str, names: list[str]) -> list[dict]:
        """``stats`` of several queues of a project in one round trip."""
        now = self.now()
        replies = self.driver.connection.run_many('queue_stats', [
            (keys.script_keys(project, name), [repr(now)])
            for name in names])
        return [_stats(reply, now) for reply in replies]

    @staticmethod
    def _key(project: str, name: str) -> str:
        return keys.queue_prefix(project, name) + ':q'


def _stats(reply: list, now: float) -> dict:
    """The stats dict from queue_stats.lua's answer."""
    total, claimed, delayed, oldest, newest = reply
    return {'total': total, 'claimed': claimed,
            'free': total - claimed, 'delayed': delayed,
            'oldest': records.summary(oldest, now),
            'newest': records.summary(newest, now)}
