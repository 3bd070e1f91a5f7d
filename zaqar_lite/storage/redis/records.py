"""Conversion of the scripts' wire records into the contract's dicts."""

from __future__ import annotations

import json
from typing import Any, Optional

from zaqar_lite.storage import base


def age(now: float, created: float) -> int:
    """Whole seconds from ``created`` to ``now`` (never negative)."""
    return max(0, int(now - created))


def message(record: list, now: float) -> base.Message:
    """A message dict from ``{id, created, ttl, claim_id, claim_count,
    body, seq}`` as every script returns it."""
    msg_id, created, ttl, claim_id, count, body = record[:6]
    created = float(created)
    return {
        'id': msg_id.decode(),
        'ttl': int(ttl),
        'age': age(now, created),
        'body': json.loads(body),
        'claim_id': claim_id.decode() or None,
        'claim_count': int(count),
        'created': created,
    }


def messages(records: list, now: float) -> list[base.Message]:
    """Message dicts of a list of records, in the same order."""
    return [message(record, now) for record in records]


def seq(record: list) -> int:
    """The FIFO position of a record (what a message marker holds)."""
    return int(record[6])


def dump_body(body: Any) -> str:
    """A body as stored: compact JSON, never decoded inside Redis."""
    return json.dumps(body, separators=(',', ':'), ensure_ascii=False)


def summary(record: Optional[list], now: float) -> Optional[dict]:
    """``{'id', 'age', 'created'}`` of a stats edge, or None."""
    if not record:
        return None
    msg = message(record, now)
    return {'id': msg['id'], 'age': msg['age'], 'created': msg['created']}
