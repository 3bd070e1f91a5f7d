"""Validation of API input against the configured limits ([transport])."""

import json
import re
from typing import Any

from oslo_config import cfg

from zaqar_lite.api import errors

#: fullmatch, not match with ``$``, which would allow a trailing newline.
QUEUE_NAME = re.compile(r'[a-zA-Z0-9_\-.]+')
QUEUE_NAME_MAX_LENGTH = 64
PATCH_OPS = ('add', 'replace', 'remove')


def is_int(value: Any) -> bool:
    """A JSON integer (bool is an int subclass in Python, but not here)."""
    return type(value) is int


def seconds(name: str, value: Any, low: int, high: int) -> int:
    """An integer number of seconds in ``low..high``."""
    if type(value) is not int:
        raise errors.BadRequest('%s must be an integer.' % name)
    if not low <= value <= high:
        raise errors.BadRequest('%s must be between %d and %d seconds.'
                                % (name.capitalize(), low, high))
    return value


class Validator:
    """Checks input against the limits of ``conf.transport``."""

    def __init__(self, conf: cfg.ConfigOpts):
        self.limits = conf.transport

    def queue_name(self, name: Any) -> str:
        """At most 64 of ``[a-zA-Z0-9_.-]``."""
        if (not isinstance(name, str) or len(name) > QUEUE_NAME_MAX_LENGTH
                or not QUEUE_NAME.fullmatch(name)):
            raise errors.BadRequest(
                'The format of the submitted queue name or project id is '
                'not valid.', title='Invalid queue identification')
        return name

    def limit(self, value: Any, maximum: int, default: int = 10) -> int:
        """A page or batch size in ``1..maximum``; None means default."""
        if value is None:
            return min(default, maximum)
        if not is_int(value) or not 1 <= value <= maximum:
            raise errors.BadRequest('Limit must be at least 1 and may not '
                                    'be greater than %d.' % maximum)
        return value

    def in_range(self, name: str, value: Any, default: int, low: int,
                 high: int, nullable: bool = True) -> int:
        """An optional integer field; None means ``default`` if
        ``nullable``, and is refused otherwise."""
        if value is None and nullable:
            return default
        return seconds(name, value, low, high)

    def message_ttl(self, value: Any, default: int) -> int:
        """A message's ttl; an explicit null is refused, as by Zaqar (only
        claims take null as "the default")."""
        return self.in_range('ttl', value, default, 60,
                             self.limits.max_message_ttl, nullable=False)

    def message_delay(self, value: Any, default: int) -> int:
        """A message's delay; an explicit null is refused."""
        return self.in_range('delay', value, default, 0,
                             self.limits.max_message_delay, nullable=False)

    def messages(self, messages: Any, ttl: int, delay: int) -> list[dict]:
        """A batch to post: ``[{'body', 'ttl', 'delay'}]``, with ``ttl``
        and ``delay`` where a message gives none (null is refused)."""
        if not isinstance(messages, list) or not messages:
            raise errors.BadRequest('No messages to enqueue: "messages" '
                                    'must be a non-empty list.')
        # Read once per batch: an option lookup costs more than a check.
        max_ttl = self.limits.max_message_ttl
        max_delay = self.limits.max_message_delay
        batch = []
        for msg in messages:
            if type(msg) is not dict or 'body' not in msg:
                raise errors.BadRequest('Each message must be an object '
                                        'with a "body".')
            batch.append({
                'body': msg['body'],
                'ttl': seconds('ttl', msg.get('ttl', ttl), 60, max_ttl),
                'delay': seconds('delay', msg.get('delay', delay), 0,
                                 max_delay)})
        return batch

    def claim_ttl(self, value: Any) -> int:
        """A claim's ttl; None means the configured default."""
        return self.in_range('ttl', value, self.limits.default_claim_ttl,
                             60, self.limits.max_claim_ttl)

    def claim_grace(self, value: Any) -> int:
        """A claim's grace; None means the configured default."""
        return self.in_range('grace', value,
                             self.limits.default_claim_grace, 60,
                             self.limits.max_claim_grace)

    def ids(self, ids: Any, name: str = 'ids') -> list[str]:
        """A non-empty list of at most a page of id strings."""
        if (not isinstance(ids, list) or not ids
                or not all(isinstance(i, str) and i for i in ids)):
            raise errors.BadRequest('%s must be a non-empty list of '
                                    'strings.' % name)
        if len(ids) > self.limits.max_messages_per_page:
            raise errors.BadRequest(
                'No more than %d messages can be retrieved or deleted at '
                'once.' % self.limits.max_messages_per_page)
        return ids

    def post_size(self, size: int, maximum: int) -> None:
        """The bytes of one post of messages, at most ``maximum``."""
        if size > maximum:
            raise errors.BadRequest(
                'Message collection size is too large. Max size %d bytes.'
                % maximum)

    def metadata(self, metadata: Any) -> dict:
        """A queue's metadata: an object of bounded size whose reserved
        keys hold sensible values."""
        if not isinstance(metadata, dict):
            raise errors.InvalidBody('Queue metadata must be a JSON '
                                     'object.')
        size = len(json.dumps(metadata, separators=(',', ':')))
        if size > self.limits.max_queue_metadata:
            raise errors.BadRequest(
                'Queue metadata is too large. Max size: %d bytes.'
                % self.limits.max_queue_metadata)
        self._reserved_metadata(metadata)
        return metadata

    def _reserved_metadata(self, metadata: dict) -> None:
        """The reserved keys the service acts on must be sensible."""
        checks = {
            '_default_message_ttl': (60, self.limits.max_message_ttl),
            '_default_message_delay': (0, self.limits.max_message_delay),
            '_max_messages_post_size': (
                1, self.limits.max_messages_post_size),
        }
        for key, (low, high) in checks.items():
            value = metadata.get(key)
            if value is not None and (not is_int(value)
                                      or not low <= value <= high):
                raise errors.BadRequest('%s must be an integer between %d '
                                        'and %d.' % (key, low, high))

    def patch(self, ops: Any) -> list[dict]:
        """A json-patch list on ``/metadata/<key>`` paths."""
        if not isinstance(ops, list) or not ops:
            raise errors.BadRequest('The patch must be a non-empty list of '
                                    'operations.')
        for op in ops:
            if not isinstance(op, dict) or op.get('op') not in PATCH_OPS:
                raise errors.BadRequest('Each operation must be an object '
                                        'whose "op" is one of %s.'
                                        % ', '.join(PATCH_OPS))
            path = op.get('path')
            if (not isinstance(path, str)
                    or not path.startswith('/metadata/')
                    or len(path) == len('/metadata/')):
                raise errors.BadRequest('The "path" of an operation must be '
                                        '"/metadata/<key>".')
            if op['op'] != 'remove' and 'value' not in op:
                raise errors.BadRequest('Operation "%s" needs a "value".'
                                        % op['op'])
        return ops
