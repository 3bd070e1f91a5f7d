"""v2 operations on the service itself: ping and health."""

import time
import uuid

from zaqar_lite.storage import base
from zaqar_lite.storage import errors as storage_errors

#: The project of health probes. Clients cannot name it: the API refuses
#: project ids with non-printable characters.
HEALTH_PROJECT = '\x00health'


class ServiceOperations:
    """Liveness and a health report with a timed round of real operations."""

    def __init__(self, storage: base.DataDriverBase):
        self._storage = storage

    def ping(self) -> bool:
        """Whether storage answers."""
        return self._storage.is_alive()

    def health(self) -> dict:
        """``{'storage_reachable': bool, 'operation_status': {...}}``.

        ``operation_status`` times one queue create, post, list, claim,
        message delete and queue delete on a scratch queue of a private
        project; each entry is ``{'succeeded', 'seconds', 'ref'}``.
        """
        reachable = self._storage.is_alive()
        status = self._probe() if reachable else {}
        return {'storage_reachable': reachable, 'operation_status': status}

    def _probe(self) -> dict:
        queue = 'probe-' + uuid.uuid4().hex
        s = self._storage
        p = HEALTH_PROJECT
        steps = [
            ('create_queue', lambda: s.queues.create(p, queue, {})),
            ('post_messages', lambda: s.messages.post(
                p, queue, [{'body': 'probe', 'ttl': 60, 'delay': 0}],
                'health')),
            ('list_messages', lambda: s.messages.list(
                p, queue, 'health', echo=True)),
            ('claim_messages', lambda: s.claims.create(p, queue, 60, 60, 1)),
            ('delete_messages', lambda: s.queues.purge(p, queue)),
            ('delete_queue', lambda: s.queues.delete(p, queue)),
        ]
        status = {}
        for name, step in steps:
            start = time.monotonic()
            try:
                step()
                succeeded = True
            except storage_errors.StorageError:
                succeeded = False
            status[name] = {'succeeded': succeeded, 'ref': None,
                            'seconds': round(time.monotonic() - start, 6)}
        return status
