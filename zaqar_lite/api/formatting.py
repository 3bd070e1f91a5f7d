"""JSON shapes of v2 resources: hrefs (always ``/v2/...``) and messages."""

import time
import urllib.parse

from zaqar_lite.storage.base import Message


def queue_href(queue: str) -> str:
    """``/v2/queues/<queue>``."""
    return '/v2/queues/%s' % queue


def message_href(queue: str, message_id: str,
                 claim_id: str | None = None) -> str:
    """A message's href; a claimed message's carries ``?claim_id=``."""
    href = '/v2/queues/%s/messages/%s' % (queue, message_id)
    if claim_id:
        href += '?claim_id=' + claim_id
    return href


def claim_href(queue: str, claim_id: str) -> str:
    """``/v2/queues/<queue>/claims/<claim_id>``."""
    return '/v2/queues/%s/claims/%s' % (queue, claim_id)


def link(path: str, params: dict) -> dict:
    """A ``next`` link; booleans are written as the API reads them."""
    query = {k: (str(v).lower() if isinstance(v, bool) else v)
             for k, v in params.items() if v is not None}
    return {'rel': 'next',
            'href': path + '?' + urllib.parse.urlencode(query)}


def message(queue: str, msg: Message) -> dict:
    """A message as listed or got (Zaqar v2's shape)."""
    return {'id': msg['id'],
            'href': message_href(queue, msg['id'], msg['claim_id']),
            'ttl': msg['ttl'], 'age': msg['age'], 'body': msg['body']}


def popped_message(msg: Message) -> dict:
    """A message taken by a pop."""
    return {'id': msg['id'], 'age': msg['age'], 'ttl': msg['ttl'],
            'body': msg['body'], 'claim_id': msg['claim_id'],
            'claim_count': msg['claim_count']}


def iso_time(seconds: float) -> str:
    """Epoch seconds as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC)."""
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(seconds))
