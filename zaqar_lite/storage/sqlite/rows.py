"""SQL fragments and row conversions shared by the controllers."""

import json
from typing import Optional, Sequence

from zaqar_lite.storage import base

#: Columns read for a message, in the order ``to_message`` expects.
COLUMNS = 'seq, id, ttl, created, body, claim_id, claim_expires, claim_count'

#: Rows of one queue that are alive at ``:now``.
LIVE = 'project = :project AND queue = :queue AND expires > :now'

_SEQS = """SELECT seq FROM (
    SELECT seq FROM (
        SELECT seq FROM messages INDEXED BY messages_free
        WHERE project = :project AND queue = :queue AND claim_expires = 0
        AND %(where)s ORDER BY seq LIMIT :limit)
    UNION ALL
    SELECT seq FROM messages INDEXED BY messages_free
    WHERE project = :project AND queue = :queue AND claim_expires > 0
    %(claimed)s AND %(where)s)
    ORDER BY seq LIMIT :limit"""


def free_seqs(where: str) -> str:
    """A query of the sequence numbers of up to ``:limit`` messages not
    held by a live claim that match ``where``, oldest first.

    Two walks of the messages_free index: messages never claimed or
    released (``claim_expires = 0``) in seq order, and messages whose
    claim expired; messages held by live claims are never scanned.
    """
    return _SEQS % {'where': where, 'claimed': 'AND claim_expires <= :now'}


def queue_seqs(where: str) -> str:
    """A query of the sequence numbers of up to ``:limit`` messages of
    the queue, claimed or not, that match ``where``, oldest first.

    The two walks of ``free_seqs``, the second one over every message a
    claim ever took and did not release (usually the few in flight):
    the schema has no index in plain queue order, which every post and
    delete would pay for.
    """
    return _SEQS % {'where': where, 'claimed': ''}


#: Messages that a claim or a pop may take: live, not delayed, not held.
FREE_SEQS = free_seqs('expires > :now AND visible <= :now')

#: Seconds a message must still live (``:life``), as a new ttl: at least
#: its ttl, at least ``ceil(age) + :life`` (portable ceil: no math
#: functions needed in the SQLite build).
NEW_TTL = ('MAX(ttl, CAST(:now - created AS INTEGER)'
           ' + (:now - created > CAST(:now - created AS INTEGER))'
           ' + :life)')

#: Assignments that extend a message's life as a claim requires.
EXTEND_LIFE = ('ttl = %s, expires = created + %s' % (NEW_TTL, NEW_TTL))

#: Largest marker value SQLite can bind.
_MAX_SEQ = 2 ** 63 - 1


def to_message(row: Sequence, now: float) -> base.Message:
    """A message dict (see ``base``) from a row of ``COLUMNS``."""
    _seq, mid, ttl, created, body, claim_id, claim_expires, count = row
    return {'id': mid, 'ttl': ttl, 'age': max(0, int(now - created)),
            'body': json.loads(body),
            'claim_id': claim_id if claim_expires > now else None,
            'claim_count': count, 'created': created}


def to_messages(rows: list[Sequence], now: float) -> list[base.Message]:
    """Messages of ``rows`` in FIFO order (RETURNING does not sort)."""
    return [to_message(row, now) for row in sorted(rows)]


def parse_marker(marker: Optional[str]) -> int:
    """The sequence number in a marker; 0 (the start) if unparsable."""
    try:
        seq = int(marker)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    return seq if 0 <= seq <= _MAX_SEQ else 0


#: One compact encoder: ``json.dumps`` with arguments builds a new one at
#: every call, which is a visible part of posting a batch.
_ENCODER = json.JSONEncoder(separators=(',', ':'))


def dump(value) -> str:
    """JSON text of a body or metadata, compact."""
    return _ENCODER.encode(value)
