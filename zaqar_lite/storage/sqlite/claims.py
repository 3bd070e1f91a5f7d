"""Claims of the SQLite driver: leases recorded on the messages they hold.

A message row carries the id and expiry of the claim holding it, so that
"free" is a plain column filter and taking messages is one UPDATE; the
``claims`` table keeps the claim itself (ttl, grace, age) for ``get``.
A claim's age counts from its last renewal, as in Zaqar, so ``ttl - age``
is always the time it has left.
"""

# The controllers define a method named ``list``: without postponed
# annotations, ``list[str]`` in a later signature would subscript it.
from __future__ import annotations

import uuid
from typing import Optional

from zaqar_lite.storage import base
from zaqar_lite.storage import errors
from zaqar_lite.storage.sqlite import rows

_TAKE = """UPDATE messages SET claim_id = :claim_id,
    claim_expires = :claim_expires, claim_count = claim_count + 1, %s
    WHERE seq IN (%s) RETURNING %s""" % (
    rows.EXTEND_LIFE, rows.FREE_SEQS, rows.COLUMNS)

_INSERT = """INSERT INTO claims (id, project, queue, ttl, grace, updated,
    expires) VALUES (:claim_id, :project, :queue, :ttl, :grace, :now,
    :claim_expires)"""

#: Live messages of the queue held by the live claim ``:claim_id``.
#: Found through the claim index: the planner would otherwise walk the
#: whole queue.
_HELD = rows.LIVE + ' AND claim_id = :claim_id AND claim_expires > :now'

_HELD_MESSAGES = ('SELECT %s FROM messages INDEXED BY messages_claim '
                  'WHERE %s ORDER BY seq' % (rows.COLUMNS, _HELD))

_RENEW_MESSAGES = ('UPDATE messages INDEXED BY messages_claim SET '
                   'claim_expires = :claim_expires, %s WHERE %s'
                   % (rows.EXTEND_LIFE, _HELD))

_CLAIM = """SELECT ttl, grace, updated FROM claims WHERE id = :claim_id
    AND project = :project AND queue = :queue AND expires > :now"""

_RENEW = """UPDATE claims SET ttl = :ttl, grace = :grace, updated = :now,
    expires = :claim_expires WHERE id = :claim_id AND project = :project
    AND queue = :queue AND expires > :now"""


class ClaimController(base.ClaimBase):
    """Claims stored in the ``claims`` table and on message rows."""

    def _args(self, project: str, queue: str, claim_id: str,
              ttl: int = 0, grace: int = 0) -> dict:
        """Named parameters shared by the statements of this module."""
        now = self.now()
        return {'project': project, 'queue': queue, 'claim_id': claim_id,
                'now': now, 'ttl': ttl, 'grace': grace,
                'claim_expires': now + ttl, 'life': ttl + grace}

    def create(self, project: str, queue: str, ttl: int, grace: int,
               limit: int) -> tuple[Optional[str], list[base.Message]]:
        args = self._args(project, queue, uuid.uuid4().hex, ttl, grace)
        args['limit'] = limit
        with self.driver.write() as conn:
            found = conn.execute(_TAKE, args).fetchall()
            if not found:
                return None, []
            conn.execute(_INSERT, args)
        return args['claim_id'], rows.to_messages(found, args['now'])

    def get(self, project: str, queue: str,
            claim_id: str) -> tuple[dict, list[base.Message]]:
        args = self._args(project, queue, claim_id)
        now = args['now']
        with self.driver.read() as conn:
            claim = conn.execute(_CLAIM, args).fetchone()
            if claim is None:
                raise errors.ClaimDoesNotExist(claim_id, queue, project)
            found = conn.execute(_HELD_MESSAGES, args).fetchall()
        ttl, grace, updated = claim
        return ({'id': claim_id, 'ttl': ttl, 'grace': grace,
                 'age': max(0, int(now - updated))},
                [rows.to_message(row, now) for row in found])

    def update(self, project: str, queue: str, claim_id: str, ttl: int,
               grace: int) -> None:
        args = self._args(project, queue, claim_id, ttl, grace)
        with self.driver.write() as conn:
            # Messages first: _HELD still sees the claim as it was.
            conn.execute(_RENEW_MESSAGES, args)
            if conn.execute(_RENEW, args).rowcount == 0:
                raise errors.ClaimDoesNotExist(claim_id, queue, project)

    def delete(self, project: str, queue: str, claim_id: str) -> None:
        args = self._args(project, queue, claim_id)
        with self.driver.write() as conn:
            conn.execute('UPDATE messages INDEXED BY messages_claim SET '
                         'claim_id = NULL, '
                         'claim_expires = 0 WHERE project = :project AND '
                         'queue = :queue AND claim_id = :claim_id', args)
            conn.execute('DELETE FROM claims WHERE id = :claim_id AND '
                         'project = :project AND queue = :queue', args)
