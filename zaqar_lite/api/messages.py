"""v2 operations on messages."""

from typing import Any

from oslo_config import cfg

from zaqar_lite.api import errors
from zaqar_lite.api import formatting
from zaqar_lite.api import validation
from zaqar_lite.api.context import RequestContext
from zaqar_lite.api.queues import QueueOperations
from zaqar_lite.storage import base


@errors.translating
class MessageOperations:
    """Post, list, get, delete and pop messages."""

    def __init__(self, conf: cfg.ConfigOpts, storage: base.DataDriverBase,
                 validator: validation.Validator,
                 queues: QueueOperations):
        self._limits = conf.transport
        self._messages = storage.messages
        self._v = validator
        self._queues = queues

    def post(self, ctx: RequestContext, queue: str, messages: Any,
             size: int | None = None) -> list[str]:
        """Store a batch (all or nothing); returns the new ids.

        :param size: bytes of the request that carried the batch, checked
            against the queue's post size limit.
        """
        self._v.queue_name(queue)
        stored = self._queues.stored_metadata(ctx, queue)
        if size is not None:
            self._v.post_size(size, self._max_post_size(stored))
        batch = self._batch(messages, stored)
        return self._messages.post(ctx.project, queue, batch, ctx.client_id)

    def _max_post_size(self, stored: dict) -> int:
        """The queue's own limit, never above the service's."""
        limit = self._limits.max_messages_post_size
        return min(_setting(stored, '_max_messages_post_size', limit), limit)

    def _batch(self, messages: Any, stored: dict) -> list[dict]:
        """The batch, validated, with the queue's defaults applied."""
        return self._v.messages(
            messages,
            _setting(stored, '_default_message_ttl',
                     self._limits.default_message_ttl),
            _setting(stored, '_default_message_delay',
                     self._limits.default_message_delay))

    def list(self, ctx: RequestContext, queue: str,
             marker: str | None = None, limit: int | None = None,
             echo: bool = False, include_claimed: bool = False,
             include_delayed: bool = False) -> dict:
        """A page of messages, FIFO: ``{'messages', 'links'}``; ``links``
        holds a ``next`` link unless the page is empty."""
        self._v.queue_name(queue)
        limit = self._v.limit(limit, self._limits.max_messages_per_page)
        found, next_marker = self._messages.list(
            ctx.project, queue, ctx.client_id, marker=marker, limit=limit,
            echo=echo, include_claimed=include_claimed,
            include_delayed=include_delayed)
        links = []
        if found:
            links.append(formatting.link(
                '/v2/queues/%s/messages' % queue, {
                    'marker': next_marker, 'limit': limit, 'echo': echo,
                    'include_claimed': include_claimed,
                    'include_delayed': include_delayed or None}))
        return {'messages': [formatting.message(queue, m) for m in found],
                'links': links}

    def get(self, ctx: RequestContext, queue: str, message_id: str) -> dict:
        """One live message, claimed or not."""
        self._v.queue_name(queue)
        msg = self._messages.get(ctx.project, queue, message_id)
        return formatting.message(queue, msg)

    def get_many(self, ctx: RequestContext, queue: str, ids: Any) -> dict:
        """The listed messages; NotFound when none of them exists."""
        self._v.queue_name(queue)
        found = self._messages.bulk_get(ctx.project, queue, self._v.ids(ids))
        if not found:
            raise errors.NotFound('No message with any of those ids exists '
                                  'in queue %s.' % queue)
        return {'messages': [formatting.message(queue, m) for m in found]}

    def delete(self, ctx: RequestContext, queue: str, message_id: str,
               claim_id: str | None = None) -> None:
        """Delete one message (no error if missing); a claimed one needs
        its claim's id (Forbidden without, BadRequest if wrong)."""
        self._v.queue_name(queue)
        self._messages.delete(ctx.project, queue, message_id,
                              claim_id=claim_id or None)

    def delete_selected(self, ctx: RequestContext, queue: str,
                        ids: Any = None, pop: Any = None,
                        claim_ids: Any = None) -> dict | None:
        """A bulk delete names either messages (``ids``) or a count to
        pop, never both.

        :returns: the popped messages for a pop, None for a deletion.
        """
        if (ids is None) == (pop is None):
            raise errors.BadRequest('Either message ids or "pop" must be '
                                    'given, not both.')
        if pop is not None:
            return self.pop(ctx, queue, pop)
        self.delete_many(ctx, queue, ids, claim_ids=claim_ids)
        return None

    def delete_many(self, ctx: RequestContext, queue: str, ids: Any,
                    claim_ids: Any = None) -> None:
        """Delete the listed messages at once; unknown ids are skipped."""
        self._v.queue_name(queue)
        if claim_ids is not None:
            claim_ids = self._v.ids(claim_ids, name='claim_ids')
        self._messages.bulk_delete(ctx.project, queue, self._v.ids(ids),
                                   claim_ids=claim_ids)

    def pop(self, ctx: RequestContext, queue: str, count: Any) -> dict:
        """Take and delete up to ``count`` free messages, oldest first."""
        self._v.queue_name(queue)
        maximum = self._limits.max_messages_per_claim_or_pop
        if (not validation.is_int(count) or not 1 <= count <= maximum):
            raise errors.BadRequest('Pop value must be at least 1 and may '
                                    'not be greater than %d.' % maximum)
        taken = self._messages.pop(ctx.project, queue, count)
        return {'messages': [formatting.popped_message(m) for m in taken]}


def _setting(stored: dict, key: str, default: int) -> int:
    """A queue's own value of a reserved metadata key; absent or null
    means the service's default."""
    value = stored.get(key)
    return default if value is None else value
