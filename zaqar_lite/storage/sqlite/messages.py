"""Messages of the SQLite driver: FIFO per queue by sequence number."""

# The controllers define a method named ``list``: without postponed
# annotations, ``list[str]`` in a later signature would subscript it.
from __future__ import annotations

import json
import os
import time
from typing import Optional

from zaqar_lite.storage import base
from zaqar_lite.storage import errors
from zaqar_lite.storage.sqlite import rows

_INSERT_QUEUE = 'INSERT OR IGNORE INTO queues (project, name) VALUES (?, ?)'

_INSERT = """INSERT INTO messages (id, project, queue, client_id, body, ttl,
    created, expires, visible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""

#: Live rows of the queue among the JSON array of ids ``:ids``, found by
#: id (the planner would otherwise walk the whole queue).
_AMONG = ('messages INDEXED BY messages_id WHERE ' + rows.LIVE +
          ' AND id IN (SELECT value FROM json_each(:ids))')

_GET = 'SELECT %s FROM messages WHERE id = :id AND %s' % (
    rows.COLUMNS, rows.LIVE)

_BULK_GET = 'SELECT %s FROM %s ORDER BY seq' % (
    rows.COLUMNS, _AMONG)

_POP = 'DELETE FROM messages WHERE seq IN (%s) RETURNING %s' % (
    rows.FREE_SEQS, rows.COLUMNS)


def new_ids(count: int) -> list[str]:
    """``count`` new message ids: 32 hex digits, time-ordered.

    14 hex digits of the clock in microseconds, then 72 random bits: ids
    stay unguessable and unique, and consecutive posts append to the
    right edge of the unique id index instead of touching a random page
    of it per message (with uuid4, twice the WAL pages per post).
    """
    prefix = '%014x' % (time.time_ns() // 1000)
    noise = os.urandom(9 * count).hex()
    return [prefix + noise[i:i + 18] for i in range(0, 18 * count, 18)]


class MessageController(base.MessageBase):
    """Messages stored in the ``messages`` table."""

    def post(self, project: str, queue: str, messages: list[dict],
             client_id: str) -> list[str]:
        now = self.now()
        ids = new_ids(len(messages))
        values = [(mid, project, queue, client_id, rows.dump(msg['body']),
                   int(msg['ttl']), now, now + int(msg['ttl']),
                   now + int(msg.get('delay') or 0))
                  for mid, msg in zip(ids, messages)]
        with self.driver.write() as conn:
            conn.execute(_INSERT_QUEUE, (project, queue))
            conn.executemany(_INSERT, values)
        return ids

    def list(self, project: str, queue: str, client_id: str,
             marker: Optional[str] = None, limit: int = 10,
             echo: bool = False, include_claimed: bool = False,
             include_delayed: bool = False
             ) -> tuple[list[base.Message], Optional[str]]:
        now = self.now()
        sql = _list_sql(echo, include_claimed, include_delayed)
        args = {'project': project, 'queue': queue, 'now': now,
                'client_id': client_id, 'limit': limit,
                'after': rows.parse_marker(marker)}
        with self.driver.read() as conn:
            found = conn.execute(sql, args).fetchall()
        marker = str(found[-1][0]) if found else None
        return [rows.to_message(row, now) for row in found], marker

    def get(self, project: str, queue: str,
            message_id: str) -> base.Message:
        now = self.now()
        args = {'project': project, 'queue': queue, 'now': now,
                'id': message_id}
        with self.driver.read() as conn:
            row = conn.execute(_GET, args).fetchone()
        if row is None:
            raise errors.MessageDoesNotExist(message_id, queue, project)
        return rows.to_message(row, now)

    def bulk_get(self, project: str, queue: str,
                 message_ids: list[str]) -> list[base.Message]:
        now = self.now()
        args = {'project': project, 'queue': queue, 'now': now,
                'ids': json.dumps(message_ids)}
        with self.driver.read() as conn:
            found = conn.execute(_BULK_GET, args).fetchall()
        return [rows.to_message(row, now) for row in found]

    def delete(self, project: str, queue: str, message_id: str,
               claim_id: Optional[str] = None) -> None:
        now = self.now()
        args = {'project': project, 'queue': queue, 'now': now,
                'id': message_id}
        with self.driver.write() as conn:
            row = conn.execute(
                'SELECT claim_id, claim_expires FROM messages WHERE id = :id'
                ' AND ' + rows.LIVE, args).fetchone()
            if row is None:
                return
            held_by = row[0] if row[1] > now else None
            if claim_id is None and held_by is not None:
                raise errors.MessageIsClaimed(message_id)
            if claim_id is not None and claim_id != held_by:
                raise errors.MessageNotClaimedBy(message_id, claim_id)
            conn.execute('DELETE FROM messages WHERE id = ?', (message_id,))

    def bulk_delete(self, project: str, queue: str, message_ids: list[str],
                    claim_ids: Optional[list[str]] = None) -> None:
        now = self.now()
        args = {'project': project, 'queue': queue, 'now': now,
                'ids': json.dumps(message_ids)}
        with self.driver.write() as conn:
            if claim_ids is not None:
                _check_held(conn, args, claim_ids)
            conn.execute('DELETE FROM ' + _AMONG, args)

    def pop(self, project: str, queue: str,
            limit: int) -> list[base.Message]:
        now = self.now()
        args = {'project': project, 'queue': queue, 'now': now,
                'limit': limit}
        with self.driver.write() as conn:
            found = conn.execute(_POP, args).fetchall()
        return rows.to_messages(found, now)


def _list_sql(echo: bool, include_claimed: bool,
              include_delayed: bool) -> str:
    """The listing query for one combination of filters."""
    where = ['expires > :now', 'seq > :after']
    if not echo:
        where.append('client_id != :client_id')
    if not include_delayed:
        where.append('visible <= :now')
    seqs = rows.queue_seqs if include_claimed else rows.free_seqs
    where = ['seq IN (%s)' % seqs(' AND '.join(where))]
    return 'SELECT %s FROM messages WHERE %s ORDER BY seq LIMIT :limit' % (
        rows.COLUMNS, ' AND '.join(where))


def _check_held(conn, args: dict, claim_ids: list[str]) -> None:
    """Raise unless every live message among ``args['ids']`` is held by a
    live claim of ``claim_ids``."""
    found = conn.execute(
        'SELECT id, claim_id, claim_expires FROM ' + _AMONG +
        ' ORDER BY seq', args).fetchall()
    allowed = set(claim_ids)
    for mid, claim_id, claim_expires in found:
        if claim_id not in allowed or claim_expires <= args['now']:
            raise errors.MessageNotClaimedBy(mid, ','.join(claim_ids))
