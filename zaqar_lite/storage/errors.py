"""Storage errors: the only exceptions a storage driver raises on purpose.

The v2 operation layer maps each one to an API error in one place
(``zaqar_lite.api.errors``); drivers never know about HTTP.
"""


class StorageError(Exception):
    """Base of every storage error."""


class ServiceUnavailable(StorageError):
    """The backing store cannot be reached or is busy; retrying may work."""


class DoesNotExist(StorageError):
    """The named resource does not exist (or has expired)."""


class QueueDoesNotExist(DoesNotExist):
    def __init__(self, name: str, project: str):
        super().__init__('Queue %s does not exist for project %s'
                         % (name, project))


class MessageDoesNotExist(DoesNotExist):
    def __init__(self, message_id: str, queue: str, project: str):
        super().__init__('Message %s does not exist in queue %s of '
                         'project %s' % (message_id, queue, project))


class ClaimDoesNotExist(DoesNotExist):
    def __init__(self, claim_id: str, queue: str, project: str):
        super().__init__('Claim %s does not exist in queue %s of project %s'
                         % (claim_id, queue, project))


class MessageIsClaimed(StorageError):
    """Deleting a message held by a live claim, without that claim's id."""

    def __init__(self, message_id: str):
        super().__init__('Message %s is claimed' % message_id)


class MessageNotClaimedBy(StorageError):
    """A claim id was given that does not hold the message (wrong, expired)."""

    def __init__(self, message_id: str, claim_id: str):
        super().__init__('Message %s is not claimed by %s'
                         % (message_id, claim_id))
