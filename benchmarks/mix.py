"""The producer/consumer mix: after the run, drain the queue and check
that every message posted was delivered exactly once."""

from __future__ import annotations

import collections
import dataclasses

from benchmarks.client import Client
from benchmarks.workers import Consumer

DRAIN_LIMIT = 100000


@dataclasses.dataclass
class Audit:
    """Message ids posted versus delivered, after draining the queue."""

    posted: int
    delivered: int
    drained: int
    lost: list[str]
    duplicated: list[str]
    unexpected: list[str]
    left_in_queue: int

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected
                    or self.left_in_queue)


def drain(url: str, project: str, queue: str) -> tuple[list[str], int]:
    """Claim and delete until nothing is free; returns the ids received
    and how many messages any listing still shows afterwards."""
    consumer = Consumer(Client(url, project), -1, queue, batch=20)
    for _ in range(DRAIN_LIMIT):
        if not consumer.step():
            break
    status, doc, _ = consumer.client.call(
        'GET', '/v2/queues/%s/messages?echo=true&include_claimed=true'
               '&include_delayed=true' % queue)
    left = len(doc['messages']) if status == 200 else 0
    consumer.client.close()
    return consumer.received, left


def audit(extras: list[dict], drained: list[str], left: int) -> Audit:
    """Compare the producers' ids with what consumers and the drain got.

    Ids of batches whose post failed in transit may or may not have been
    stored: they are neither lost nor unexpected, but must not repeat.
    """
    posted = {i for x in extras for i in x.get('posted', ())}
    uncertain = {i for x in extras for i in x.get('uncertain', ())}
    received = [i for x in extras for i in x.get('received', ())]
    counts = collections.Counter(received + drained)
    delivered = set(counts)
    return Audit(
        posted=len(posted), delivered=len(received), drained=len(drained),
        lost=sorted(posted - delivered),
        duplicated=sorted(i for i, n in counts.items() if n > 1),
        unexpected=sorted(delivered - posted - uncertain),
        left_in_queue=left)
