"""The queue service's own GMR sections: Queues and Transport.

They are added with ``gmr.register_section``, the same API any component
uses, and they only read: the storage overview (its own connection, safe
from the report thread) and the transport's counters.
"""

from zaqar_lite.storage import base
from zaqar_lite.storage import errors as storage_errors
from zaqar_lite.transport import stats as transport_stats


def queues_section(storage: base.DataDriverBase):
    """A generator of the Queues section: driver, location, per project."""
    def collect() -> dict:
        # Driver and location first: during a storage outage they are what
        # the operator needs, so the overview's failure stays one line
        # inside the section instead of replacing it.
        figures = {'driver': storage.name, 'location': storage.location()}
        try:
            projects = storage.overview()
        except storage_errors.StorageError as exc:
            figures['error'] = 'storage unavailable: %s' % exc
            return figures
        figures['totals'] = {
            key: sum(p[key] for p in projects.values())
            for key in ('queues', 'total', 'claimed', 'free', 'delayed')}
        figures['projects'] = projects
        return figures
    return collect


def transport_section(stats: transport_stats.TransportStats):
    """A generator of the Transport section: address and live counters."""
    return stats.snapshot
