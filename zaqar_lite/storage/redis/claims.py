"""Claims on Redis: a hash and a list of message ids per claim; every
change of a claim and of its messages is one script."""

from __future__ import annotations

import uuid
from typing import Optional

from zaqar_lite.storage import base
from zaqar_lite.storage import errors
from zaqar_lite.storage.redis import connection
from zaqar_lite.storage.redis import keys
from zaqar_lite.storage.redis import records

_translate = connection.translate_errors


class ClaimController(base.ClaimBase):
    """Claim operations, each one script call (one round trip)."""

    def _run(self, name: str, project: str, queue: str, now: float,
             *args) -> object:
        return self.driver.connection.run(
            name, keys.script_keys(project, queue), [repr(now), *args])

    @_translate
    def create(self, project: str, queue: str, ttl: int, grace: int,
               limit: int) -> tuple[Optional[str], list[base.Message]]:
        now = self.now()
        claim_id = uuid.uuid4().hex
        found = self._run('claim_create', project, queue, now, claim_id,
                          int(ttl), int(grace), int(limit))
        if not found:
            return None, []
        return claim_id, records.messages(found, now)

    @_translate
    def get(self, project: str, queue: str,
            claim_id: str) -> tuple[dict, list[base.Message]]:
        now = self.now()
        found = self._run('claim_get', project, queue, now, claim_id)
        if found is None:
            raise errors.ClaimDoesNotExist(claim_id, queue, project)
        # Age counts from the last renewal, as in Zaqar: ``ttl - age`` is
        # the time the claim has left.
        _created, renewed, ttl, grace, held = found
        claim = {'id': claim_id, 'ttl': int(ttl), 'grace': int(grace),
                 'age': records.age(now, float(renewed))}
        return claim, records.messages(held, now)

    @_translate
    def update(self, project: str, queue: str, claim_id: str, ttl: int,
               grace: int) -> None:
        if not self._run('claim_update', project, queue, self.now(),
                         claim_id, int(ttl), int(grace)):
            raise errors.ClaimDoesNotExist(claim_id, queue, project)

    @_translate
    def delete(self, project: str, queue: str, claim_id: str) -> None:
        self._run('claim_delete', project, queue, self.now(), claim_id)
