"""What one benchmark client does, one step at a time.

A worker owns one ``Client`` (one keep-alive connection). ``step`` sends
one unit of work; ``extra`` returns what the run needs to verify
afterwards (ids of messages posted or received).
"""

from __future__ import annotations

import urllib.parse

from benchmarks.client import Client

CLAIM = {'ttl': 300, 'grace': 60}


def message_body(message_id: str) -> dict:
    """A body of about 150 bytes, like zaqar-bench's sample messages."""
    return {'id': message_id, 'event': 'BackupStarted',
            'backup': {'name': 'nightly', 'volume': 'vol-0001',
                       'size_gb': 120, 'zone': 'az-1'}}


class Worker:
    """Base of the workers: a client and its index among the clients."""

    def __init__(self, client: Client, index: int, queue: str,
                 batch: int = 10):
        self.client = client
        self.index = index
        self.queue = queue
        self.batch = batch

    def step(self) -> None:
        """Send one unit of work."""
        raise NotImplementedError

    def extra(self) -> dict:
        """What the run needs after the workers stop (picklable)."""
        return {}

    def _expect(self, status: int, *wanted: int) -> bool:
        """Count an unexpected status as an error."""
        if status in wanted:
            return True
        if status:  # 0 is a transport error, already counted
            self.client.errors += 1
        return False


class Ping(Worker):
    """``GET /v2/ping``: what the server does for a trivial request."""

    def step(self) -> None:
        status, _, _ = self.client.call('GET', '/v2/ping', label='ping')
        self._expect(status, 204)


class Versions(Worker):
    """``GET /``: the versions document, which touches no storage."""

    def step(self) -> None:
        status, _, _ = self.client.call('GET', '/', label='versions')
        self._expect(status, 300)


class Poster(Worker):
    """Posts batches of identical messages to its queue."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._doc = {'messages': [
            {'body': message_body('x'), 'ttl': 3600}] * self.batch}
        self._path = '/v2/queues/%s/messages' % self.queue

    def step(self) -> None:
        status, _, _ = self.client.call('POST', self._path, self._doc,
                                        label='post', msgs=self.batch)
        self._expect(status, 201)


class Producer(Worker):
    """Posts batches of messages with unique ids, remembering them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = '/v2/queues/%s/messages' % self.queue
        self._sent = 0
        self.posted: list[str] = []
        self.uncertain: list[str] = []

    def step(self) -> None:
        ids = ['p%d-%d' % (self.index, self._sent + n)
               for n in range(self.batch)]
        self._sent += self.batch
        doc = {'messages': [{'body': message_body(i), 'ttl': 3600}
                            for i in ids]}
        status, _, _ = self.client.call('POST', self._path, doc,
                                        label='post', msgs=self.batch)
        if self._expect(status, 201):
            self.posted.extend(ids)
        elif status == 0:  # the batch may or may not be stored
            self.uncertain.extend(ids)

    def extra(self) -> dict:
        return {'posted': self.posted, 'uncertain': self.uncertain}


class Consumer(Worker):
    """Claims up to ``batch`` messages, then deletes what it claimed,
    in one request (``?ids=&claim_ids=``) or one per message."""

    def __init__(self, *args, per_message: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.per_message = per_message
        self._claims = '/v2/queues/%s/claims?limit=%d' % (self.queue,
                                                          self.batch)
        self._messages = '/v2/queues/%s/messages' % self.queue
        self.received: list[str] = []
        self.empty = 0

    def step(self) -> bool:
        """One claim and its deletes; False when nothing was free."""
        status, doc, resp = self.client.call('POST', self._claims, CLAIM,
                                             label='claim')
        if not self._expect(status, 201, 204) or status == 204:
            self.empty += status == 204
            return False
        claim_id = resp.getheader('Location').rsplit('/', 1)[1]
        found = doc['messages']
        self.received.extend(m['body']['id'] for m in found)
        self._delete([m['id'] for m in found], claim_id)
        return True

    def _delete(self, ids: list[str], claim_id: str) -> None:
        if not self.per_message:
            path = '%s?%s' % (self._messages, urllib.parse.urlencode(
                {'ids': ','.join(ids), 'claim_ids': claim_id}))
            status, _, _ = self.client.call('DELETE', path, label='delete',
                                            msgs=len(ids))
            self._expect(status, 204)
            return
        for mid in ids:
            path = '%s/%s?claim_id=%s' % (self._messages, mid, claim_id)
            status, _, _ = self.client.call('DELETE', path, label='delete',
                                            msgs=1)
            self._expect(status, 204)

    def extra(self) -> dict:
        return {'received': self.received, 'empty_claims': self.empty}
