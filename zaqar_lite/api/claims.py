"""v2 operations on claims."""

from typing import Any

from oslo_config import cfg

from zaqar_lite.api import errors
from zaqar_lite.api import formatting
from zaqar_lite.api import validation
from zaqar_lite.api.context import RequestContext
from zaqar_lite.storage import base


@errors.translating
class ClaimOperations:
    """Claim messages, and inspect, renew or release a claim."""

    def __init__(self, conf: cfg.ConfigOpts, storage: base.DataDriverBase,
                 validator: validation.Validator):
        self._limits = conf.transport
        self._claims = storage.claims
        self._v = validator

    def create(self, ctx: RequestContext, queue: str, ttl: Any = None,
               grace: Any = None, limit: Any = None
               ) -> tuple[str | None, list[dict]]:
        """Claim up to ``limit`` free messages.

        ``ttl``/``grace`` None mean the defaults (python-zaqarclient sends
        nulls for arguments it was not given).

        :returns: ``(claim_id, messages)``; ``(None, [])`` if none free.
        """
        self._v.queue_name(queue)
        limit = self._v.limit(limit,
                              self._limits.max_messages_per_claim_or_pop)
        claim_id, found = self._claims.create(
            ctx.project, queue, self._v.claim_ttl(ttl),
            self._v.claim_grace(grace), limit)
        return claim_id, [formatting.message(queue, m) for m in found]

    def get(self, ctx: RequestContext, queue: str, claim_id: str) -> dict:
        """A live claim: ``{'age', 'ttl', 'href', 'messages'}``."""
        self._v.queue_name(queue)
        claim, found = self._claims.get(ctx.project, queue, claim_id)
        return {'age': claim['age'], 'ttl': claim['ttl'],
                'href': formatting.claim_href(queue, claim_id),
                'messages': [formatting.message(queue, m) for m in found]}

    def update(self, ctx: RequestContext, queue: str, claim_id: str,
               ttl: Any = None, grace: Any = None) -> None:
        """Renew a live claim; None means the default, as on create."""
        self._v.queue_name(queue)
        self._claims.update(ctx.project, queue, claim_id,
                            self._v.claim_ttl(ttl), self._v.claim_grace(grace))

    def delete(self, ctx: RequestContext, queue: str, claim_id: str) -> None:
        """Release a claim (no error if missing); its messages are free."""
        self._v.queue_name(queue)
        self._claims.delete(ctx.project, queue, claim_id)
