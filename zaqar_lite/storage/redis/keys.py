"""Key names: every key of a queue lives under its project and name.

A queue's keys share the prefix ``zl:{<project>/<queue>}``. The project is
percent-encoded (it may hold any character, ``/`` and ``:`` included), so
the encoded project never contains ``/``, ``:`` or braces, and two
(project, queue) pairs can never share a prefix. The braces make all keys
of one queue a single Redis Cluster hash slot.
"""

import urllib.parse

PREFIX = 'zl:'

#: Set of the (encoded) projects that have at least one queue.
PROJECTS = PREFIX + 'projects'


def encode(value: str) -> str:
    """Percent-encode ``value`` so that it holds only ``[A-Za-z0-9_.~%-]``."""
    return urllib.parse.quote(value or '', safe='')


def decode(value: str) -> str:
    """The project name back from ``encode``."""
    return urllib.parse.unquote(value)


def project_queues(encoded_project: str) -> str:
    """Sorted set of the project's queue names (all scored 0: name order)."""
    return '%sp:%s' % (PREFIX, encoded_project)


def queue_prefix(project: str, name: str) -> str:
    """The prefix of every key of one queue."""
    return '%s{%s/%s}' % (PREFIX, encode(project), encode(name))


def script_keys(project: str, name: str) -> list[str]:
    """The KEYS every script receives: queue prefix, projects, queues."""
    return [queue_prefix(project, name), PROJECTS,
            project_queues(encode(project))]
