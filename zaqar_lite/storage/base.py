"""The storage contract: what every driver (SQLite, Redis) must do.

A driver is a ``DataDriverBase`` with three controllers, ``queues``,
``messages`` and ``claims``. Everything is scoped by project: a driver never
returns, counts or changes anything of another project. Validation of
input (names, ranges, sizes) is the v2 operation layer's job; a driver
trusts its arguments.

Time
    Every decision about time (age, expiry, delay, claim expiry) uses the
    driver's ``clock`` (seconds since the epoch, ``time.time`` by default),
    so that tests can move time forward.

Messages
    Returned as dicts with exactly these keys::

        {'id': str, 'ttl': int, 'age': int, 'body': <JSON value>,
         'claim_id': str | None, 'claim_count': int, 'created': float}

    ``age`` is whole seconds since the message was posted; ``created`` is
    the post time (clock seconds); ``claim_id`` is the id of the live claim
    holding the message, or None. A message is *expired* when ``age >=
    ttl`` (but see claims); it is then invisible everywhere and may be
    deleted at any time. A message is *delayed* until ``delay`` seconds
    after its post. Order is FIFO per queue: the order of posts, and within
    one post the order of the list.

Claims
    A claim holds up to ``limit`` messages that were free (not delayed, not
    held by a live claim, not expired), oldest first, for ``ttl`` seconds.
    A message is never held by two live claims. Claiming or updating a
    claim extends the life of each held message to at least ``ttl + grace``
    seconds from now (its ``ttl`` grows so that ``ttl - age`` covers it),
    and claiming adds one to its ``claim_count``. Claims are returned as
    ``{'id': str, 'ttl': int, 'age': int, 'grace': int}``.

Markers
    Listing returns an opaque marker string for the next page. Passing it
    back continues after the last item returned. A driver accepts any
    string as a marker: one it cannot parse starts from the beginning.

Errors
    Only the exceptions of ``zaqar_lite.storage.errors``;
    ``ServiceUnavailable`` when the store cannot be reached.
"""

from __future__ import annotations

import abc
import time
from typing import Any, Callable, Optional

from oslo_config import cfg

Message = dict[str, Any]
Clock = Callable[[], float]


class ControllerBase(abc.ABC):
    """A controller is bound to its driver and shares its clock."""

    def __init__(self, driver: 'DataDriverBase'):
        self.driver = driver

    def now(self) -> float:
        return self.driver.clock()


class QueueBase(ControllerBase):
    """Queues: named, per project, with a JSON-object metadata."""

    @abc.abstractmethod
    def list(self, project: str, marker: Optional[str] = None,
             limit: int = 10, detailed: bool = False
             ) -> tuple[list[dict], Optional[str]]:
        """Queues of ``project`` in name order, after ``marker``.

        :returns: ``(queues, next_marker)``; each queue is ``{'name': str}``
            plus ``'metadata': dict`` when ``detailed``. ``next_marker`` is
            None when the page is empty.
        """

    @abc.abstractmethod
    def count(self, project: str) -> int:
        """Number of queues of ``project``."""

    @abc.abstractmethod
    def create(self, project: str, name: str,
               metadata: Optional[dict] = None) -> bool:
        """Create a queue; an existing queue is left as it is.

        :returns: True if the queue was created, False if it existed
            (its metadata is then unchanged).
        """

    @abc.abstractmethod
    def exists(self, project: str, name: str) -> bool:
        """Whether the queue exists (created, or by a post of messages)."""

    @abc.abstractmethod
    def get_metadata(self, project: str, name: str) -> dict:
        """The queue's stored metadata (without reserved defaults).

        :raises QueueDoesNotExist:
        """

    @abc.abstractmethod
    def set_metadata(self, project: str, name: str, metadata: dict) -> None:
        """Replace the queue's metadata.

        :raises QueueDoesNotExist:
        """

    @abc.abstractmethod
    def delete(self, project: str, name: str) -> None:
        """Delete the queue with its messages and claims; no error if
        missing."""

    @abc.abstractmethod
    def purge(self, project: str, name: str) -> None:
        """Delete the queue's messages and claims, keeping the queue."""

    @abc.abstractmethod
    def stats(self, project: str, name: str) -> dict:
        """Message counts of a queue (zeros when missing).

        :returns: ``{'total', 'claimed', 'free', 'delayed'}`` (ints, over
            live messages; ``free = total - claimed``, delayed messages
            count as free and also in ``delayed``), plus ``'oldest'`` and
            ``'newest'``: ``{'id', 'age', 'created'}`` of the first and last
            live message in FIFO order, or None when there is none.
        """


class MessageBase(ControllerBase):
    """Messages of a queue."""

    @abc.abstractmethod
    def post(self, project: str, queue: str, messages: list[dict],
             client_id: str) -> list[str]:
        """Store a batch atomically: all of it or, on error, none of it.

        Creates the queue if it does not exist. Once this returns, the
        messages survive a crash of the process.

        :param messages: ``[{'body': <JSON>, 'ttl': int, 'delay': int}]``
        :returns: the new message ids, in the order given.
        """

    @abc.abstractmethod
    def list(self, project: str, queue: str, client_id: str,
             marker: Optional[str] = None, limit: int = 10,
             echo: bool = False, include_claimed: bool = False,
             include_delayed: bool = False
             ) -> tuple[list[Message], Optional[str]]:
        """Live messages in FIFO order after ``marker``.

        Hidden unless asked for: messages posted with ``client_id`` (unless
        ``echo``), messages held by a live claim (unless
        ``include_claimed``), delayed messages (unless ``include_delayed``).

        :returns: ``(messages, next_marker)``; ``next_marker`` is None when
            the page is empty.
        """

    @abc.abstractmethod
    def get(self, project: str, queue: str, message_id: str) -> Message:
        """One live message, claimed or not, delayed or not.

        :raises MessageDoesNotExist:
        """

    @abc.abstractmethod
    def bulk_get(self, project: str, queue: str,
                 message_ids: list[str]) -> list[Message]:
        """The live messages among ``message_ids`` (unknown ids skipped),
        in FIFO order."""

    @abc.abstractmethod
    def delete(self, project: str, queue: str, message_id: str,
               claim_id: Optional[str] = None) -> None:
        """Delete one message; no error if it does not exist.

        :raises MessageIsClaimed: the message is held by a live claim and
            ``claim_id`` is None.
        :raises MessageNotClaimedBy: ``claim_id`` is given but the message
            is not held by that live claim (wrong, expired or released).
        """

    @abc.abstractmethod
    def bulk_delete(self, project: str, queue: str, message_ids: list[str],
                    claim_ids: Optional[list[str]] = None) -> None:
        """Delete the given messages atomically; unknown ids are skipped.

        Without ``claim_ids`` claims are not checked. With ``claim_ids``,
        every existing message among ``message_ids`` must be held by a live
        claim in ``claim_ids``, otherwise nothing is deleted.

        :raises MessageNotClaimedBy: see above.
        """

    @abc.abstractmethod
    def pop(self, project: str, queue: str, limit: int) -> list[Message]:
        """Atomically take and delete up to ``limit`` free messages, oldest
        first (not delayed, not claimed); returns them."""


class ClaimBase(ControllerBase):
    """Claims: leases on messages, so that one consumer processes each."""

    @abc.abstractmethod
    def create(self, project: str, queue: str, ttl: int, grace: int,
               limit: int) -> tuple[Optional[str], list[Message]]:
        """Claim up to ``limit`` free messages, atomically.

        Atomic across processes and servers sharing the store: no message
        is ever returned to two live claims.

        :returns: ``(claim_id, messages)`` (each message carrying the new
            claim id), or ``(None, [])`` when nothing was free, in which
            case no claim is stored.
        """

    @abc.abstractmethod
    def get(self, project: str, queue: str,
            claim_id: str) -> tuple[dict, list[Message]]:
        """A live claim and the live messages it still holds.

        :raises ClaimDoesNotExist: unknown or expired claim.
        """

    @abc.abstractmethod
    def update(self, project: str, queue: str, claim_id: str, ttl: int,
               grace: int) -> None:
        """Renew a live claim: it now expires ``ttl`` seconds from now and
        its messages live at least ``ttl + grace`` seconds from now.

        :raises ClaimDoesNotExist: unknown or expired claim.
        """

    @abc.abstractmethod
    def delete(self, project: str, queue: str, claim_id: str) -> None:
        """Release a claim: its messages become free again. No error if
        missing."""


class DataDriverBase(abc.ABC):
    """A storage driver: the three controllers plus health and overview.

    :param conf: the service's configuration (its driver group is read).
    :param clock: the time source of every decision about time.
    """

    #: Short driver name shown in the GMR and the health report.
    name = 'base'

    def __init__(self, conf: cfg.ConfigOpts, clock: Clock = time.time):
        self.conf = conf
        self.clock = clock

    @property
    @abc.abstractmethod
    def queues(self) -> QueueBase:
        """The queue controller."""

    @property
    @abc.abstractmethod
    def messages(self) -> MessageBase:
        """The message controller."""

    @property
    @abc.abstractmethod
    def claims(self) -> ClaimBase:
        """The claim controller."""

    @abc.abstractmethod
    def is_alive(self) -> bool:
        """Whether the store answers now; never raises."""

    @abc.abstractmethod
    def location(self) -> str:
        """Where the data lives (a path or a URI), credentials masked."""

    @abc.abstractmethod
    def overview(self) -> dict[str, dict]:
        """Per-project figures for the GMR Queues section.

        :returns: ``{project: {'queues': int, 'total': int, 'claimed': int,
            'free': int, 'delayed': int}}`` over live messages, with the
            same meaning as ``QueueBase.stats``.
        """

    @abc.abstractmethod
    def gc(self) -> int:
        """Remove expired messages and claims now; returns how many
        messages were removed. Drivers also clean up on their own; this is
        for maintenance and tests."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections and files; the driver is unusable after."""
