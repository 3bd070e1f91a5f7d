"""Queues of the SQLite driver: names and metadata per project."""

# The controllers define a method named ``list``: without postponed
# annotations, ``list[str]`` in a later signature would subscript it.
from __future__ import annotations

import json
from typing import Optional

from zaqar_lite.storage import base
from zaqar_lite.storage import errors
from zaqar_lite.storage.sqlite import rows

_STATS = """SELECT COUNT(*), COALESCE(SUM(claim_expires > :now), 0),
    COALESCE(SUM(visible > :now), 0), MIN(seq), MAX(seq)
    FROM messages WHERE """ + rows.LIVE

_ENDS = 'SELECT seq, id, created FROM messages WHERE seq IN (?, ?)'


class QueueController(base.QueueBase):
    """Queues stored in the ``queues`` table."""

    def list(self, project: str, marker: Optional[str] = None,
             limit: int = 10, detailed: bool = False
             ) -> tuple[list[dict], Optional[str]]:
        with self.driver.read() as conn:
            found = conn.execute(
                'SELECT name, metadata FROM queues WHERE project = ? AND '
                'name > ? ORDER BY name LIMIT ?',
                (project, marker or '', limit)).fetchall()
        queues = [{'name': name, 'metadata': json.loads(meta)}
                  if detailed else {'name': name} for name, meta in found]
        return queues, (found[-1][0] if found else None)

    def count(self, project: str) -> int:
        with self.driver.read() as conn:
            return conn.execute('SELECT COUNT(*) FROM queues WHERE '
                                'project = ?', (project,)).fetchone()[0]

    def create(self, project: str, name: str,
               metadata: Optional[dict] = None) -> bool:
        with self.driver.write() as conn:
            cursor = conn.execute(
                'INSERT OR IGNORE INTO queues (project, name, metadata) '
                'VALUES (?, ?, ?)', (project, name, rows.dump(metadata or {})))
            return cursor.rowcount == 1

    def exists(self, project: str, name: str) -> bool:
        with self.driver.read() as conn:
            return conn.execute(
                'SELECT 1 FROM queues WHERE project = ? AND name = ?',
                (project, name)).fetchone() is not None

    def get_metadata(self, project: str, name: str) -> dict:
        # Read before every post: one statement, no transaction around it.
        found = self.driver.db.query(
            'SELECT metadata FROM queues WHERE project = ? AND name = ?',
            (project, name))
        if not found:
            raise errors.QueueDoesNotExist(name, project)
        return json.loads(found[0][0])

    def set_metadata(self, project: str, name: str, metadata: dict) -> None:
        with self.driver.write() as conn:
            cursor = conn.execute(
                'UPDATE queues SET metadata = ? WHERE project = ? AND '
                'name = ?', (rows.dump(metadata), project, name))
            if cursor.rowcount == 0:
                raise errors.QueueDoesNotExist(name, project)

    def delete(self, project: str, name: str) -> None:
        with self.driver.write() as conn:
            _purge(conn, project, name)
            conn.execute('DELETE FROM queues WHERE project = ? AND name = ?',
                         (project, name))

    def purge(self, project: str, name: str) -> None:
        with self.driver.write() as conn:
            _purge(conn, project, name)

    def stats(self, project: str, name: str) -> dict:
        now = self.now()
        args = {'project': project, 'queue': name, 'now': now}
        with self.driver.read() as conn:
            total, claimed, delayed, first, last = conn.execute(
                _STATS, args).fetchone()
            ends = {seq: {'id': mid, 'age': max(0, int(now - created)),
                          'created': created}
                    for seq, mid, created in conn.execute(_ENDS,
                                                          (first, last))}
        return {'total': total, 'claimed': claimed,
                'free': total - claimed, 'delayed': delayed,
                'oldest': ends.get(first), 'newest': ends.get(last)}


def _purge(conn, project: str, name: str) -> None:
    """Delete the messages and claims of a queue, inside a transaction."""
    for table in ('messages', 'claims'):
        conn.execute('DELETE FROM %s WHERE project = ? AND queue = ?'
                     % table, (project, name))
