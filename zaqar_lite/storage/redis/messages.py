"""Messages on Redis: a hash per message, sorted sets for FIFO order,
expiry, delay and claims, changed only by scripts."""

from __future__ import annotations

import uuid
from typing import Optional

from zaqar_lite.storage import base
from zaqar_lite.storage import errors
from zaqar_lite.storage.redis import connection
from zaqar_lite.storage.redis import keys
from zaqar_lite.storage.redis import records

_translate = connection.translate_errors

#: message_delete.lua's answers.
_DELETED, _CLAIMED, _NOT_CLAIMED_BY = 0, 1, 2


def _flag(value: bool) -> str:
    return '1' if value else '0'


def _parse_marker(marker: Optional[str]) -> str:
    """The script's lower bound for a marker; a foreign one is ignored."""
    if marker and marker.isascii() and marker.isdigit() and len(marker) < 16:
        return '(' + marker
    return '-inf'


class MessageController(base.MessageBase):
    """Message operations, each one script call (one round trip)."""

    def _run(self, name: str, project: str, queue: str, now: float,
             *args) -> object:
        return self.driver.connection.run(
            name, keys.script_keys(project, queue), [repr(now), *args])

    @_translate
    def post(self, project: str, queue: str, messages: list[dict],
             client_id: str) -> list[str]:
        ids = [uuid.uuid4().hex for _ in messages]
        args = [keys.encode(project), queue, client_id or '']
        for msg_id, msg in zip(ids, messages):
            args += [msg_id, records.dump_body(msg.get('body')),
                     int(msg['ttl']), int(msg.get('delay') or 0)]
        self._run('post', project, queue, self.now(), *args)
        return ids

    @_translate
    def list(self, project: str, queue: str, client_id: str,
             marker: Optional[str] = None, limit: int = 10,
             echo: bool = False, include_claimed: bool = False,
             include_delayed: bool = False
             ) -> tuple[list[base.Message], Optional[str]]:
        now = self.now()
        found = self._run('message_list', project, queue, now,
                          _parse_marker(marker), limit, client_id or '',
                          _flag(echo), _flag(include_claimed),
                          _flag(include_delayed))
        next_marker = str(records.seq(found[-1])) if found else None
        return records.messages(found, now), next_marker

    @_translate
    def get(self, project: str, queue: str,
            message_id: str) -> base.Message:
        found = self.bulk_get(project, queue, [message_id])
        if not found:
            raise errors.MessageDoesNotExist(message_id, queue, project)
        return found[0]

    @_translate
    def bulk_get(self, project: str, queue: str,
                 message_ids: list[str]) -> list[base.Message]:
        if not message_ids:
            return []
        now = self.now()
        found = self._run('message_get', project, queue, now, *message_ids)
        return records.messages(found, now)

    @_translate
    def delete(self, project: str, queue: str, message_id: str,
               claim_id: Optional[str] = None) -> None:
        result = self._run('message_delete', project, queue, self.now(),
                           message_id, claim_id or '')
        if result == _CLAIMED:
            raise errors.MessageIsClaimed(message_id)
        if result == _NOT_CLAIMED_BY:
            raise errors.MessageNotClaimedBy(message_id, claim_id)

    @_translate
    def bulk_delete(self, project: str, queue: str, message_ids: list[str],
                    claim_ids: Optional[list[str]] = None) -> None:
        if not message_ids:
            return
        claims = list(claim_ids or [])
        offender = self._run('message_bulk_delete', project, queue,
                             self.now(), _flag(claim_ids is not None),
                             len(claims), *claims, *message_ids)
        if offender:
            raise errors.MessageNotClaimedBy(offender.decode(),
                                             ','.join(claims))

    @_translate
    def pop(self, project: str, queue: str, limit: int) -> list[base.Message]:
        now = self.now()
        found = self._run('message_pop', project, queue, now, limit)
        return records.messages(found, now)
