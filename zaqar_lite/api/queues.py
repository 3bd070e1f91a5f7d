"""v2 operations on queues."""

from typing import Any

from oslo_config import cfg

from zaqar_lite.api import errors
from zaqar_lite.api import formatting
from zaqar_lite.api import validation
from zaqar_lite.api.context import RequestContext
from zaqar_lite.storage import base

#: What a purge may name; subscriptions are accepted (Zaqar has them) and
#: there are none to purge.
PURGEABLE = ('messages', 'subscriptions')


@errors.translating
class QueueOperations:
    """List, create, inspect, patch, purge and delete queues."""

    def __init__(self, conf: cfg.ConfigOpts, storage: base.DataDriverBase,
                 validator: validation.Validator):
        self._limits = conf.transport
        self._queues = storage.queues
        self._v = validator

    def reserved_defaults(self) -> dict:
        """Reserved metadata every queue reports unless it sets its own."""
        return {
            '_max_messages_post_size': self._limits.max_messages_post_size,
            '_default_message_ttl': self._limits.default_message_ttl,
            '_default_message_delay': self._limits.default_message_delay,
            '_dead_letter_queue': None,
            '_dead_letter_queue_messages_ttl': None,
            '_max_claim_count': None,
            '_enable_encrypt_messages': False,
        }

    def list(self, ctx: RequestContext, marker: str | None = None,
             limit: int | None = None, detailed: bool = False,
             with_count: bool = False) -> dict:
        """A page of queues by name: ``{'queues', 'links'[, 'count']}``;
        ``links`` holds a ``next`` link unless the page is empty."""
        limit = self._v.limit(limit, self._limits.max_queues_per_page)
        queues, next_marker = self._queues.list(
            ctx.project, marker=marker, limit=limit, detailed=detailed)
        for queue in queues:
            queue['href'] = formatting.queue_href(queue['name'])
        links = []
        if queues:
            links.append(formatting.link('/v2/queues', {
                'marker': next_marker, 'limit': limit,
                'detailed': detailed}))
        body = {'queues': queues, 'links': links}
        if with_count:
            body['count'] = self._queues.count(ctx.project)
        return body

    def create(self, ctx: RequestContext, name: str,
               metadata: dict | None = None) -> bool:
        """Create a queue; True if new, False if it existed (unchanged)."""
        self._v.queue_name(name)
        if metadata is not None:
            self._v.metadata(metadata)
        return self._queues.create(ctx.project, name, metadata or {})

    def exists(self, ctx: RequestContext, name: str) -> bool:
        """Whether the queue exists (created, or posted to)."""
        self._v.queue_name(name)
        return self._queues.exists(ctx.project, name)

    def get(self, ctx: RequestContext, name: str) -> dict:
        """Metadata merged with the reserved defaults (lazy queues: a
        missing queue answers the defaults)."""
        self._v.queue_name(name)
        return dict(self.reserved_defaults(), **self.stored_metadata(
            ctx, name))

    def stored_metadata(self, ctx: RequestContext, name: str) -> dict:
        """What the queue stores, or {} for a queue that does not exist."""
        try:
            return self._queues.get_metadata(ctx.project, name)
        except errors.storage_errors.QueueDoesNotExist:
            return {}

    def patch(self, ctx: RequestContext, name: str, ops) -> dict:
        """Apply a json-patch to the metadata; returns the result."""
        self._v.queue_name(name)
        self._v.patch(ops)
        stored = self._queues.get_metadata(ctx.project, name)
        visible = dict(self.reserved_defaults(), **stored)
        for op in ops:
            key = op['path'][len('/metadata/'):]
            if op['op'] != 'add' and key not in visible:
                raise errors.Conflict('Cannot %s missing metadata key "%s".'
                                      % (op['op'], key))
            if op['op'] == 'remove':
                stored.pop(key, None)
                visible.pop(key, None)
            else:
                stored[key] = visible[key] = op['value']
        self._v.metadata(stored)
        self._queues.set_metadata(ctx.project, name, stored)
        return dict(self.reserved_defaults(), **stored)

    def delete(self, ctx: RequestContext, name: str) -> None:
        """Delete a queue with its messages and claims (no error if
        missing)."""
        self._v.queue_name(name)
        self._queues.delete(ctx.project, name)

    def purge(self, ctx: RequestContext, name: str,
              resource_types: Any = None) -> None:
        """Delete the queue's messages (and claims), keeping the queue;
        None means ``['messages']``."""
        self._v.queue_name(name)
        if resource_types is None:
            resource_types = ['messages']
        if (not isinstance(resource_types, list)
                or not all(kind in PURGEABLE for kind in resource_types)):
            raise errors.BadRequest('resource_types must be a list of '
                                    '"messages" and "subscriptions".')
        if 'messages' in resource_types:
            self._queues.purge(ctx.project, name)

    def stats(self, ctx: RequestContext, name: str) -> dict:
        """``{'messages': {'claimed', 'free', 'total'[, 'oldest',
        'newest']}}``; zeros for a missing queue."""
        self._v.queue_name(name)
        stats = self._queues.stats(ctx.project, name)
        figures = {key: stats[key] for key in ('claimed', 'free', 'total')}
        for end in ('oldest', 'newest'):
            if stats.get(end):
                figures[end] = {
                    'age': stats[end]['age'],
                    'created': formatting.iso_time(stats[end]['created']),
                    'href': formatting.message_href(name, stats[end]['id']),
                }
        return {'messages': figures}
