"""The Lua scripts (``lua/*.lua``), each run atomically inside Redis.

Every script is ``common.lua`` followed by its own file, under a
``#!lua`` header (Redis 7): with it Redis refuses a writing script up
front when it is out of memory instead of failing half-way, which keeps
each script all-or-nothing.
"""

import functools
import importlib.resources

import redis
from redis.commands.core import Script

NAMES = (
    'post', 'message_get', 'message_list', 'message_delete',
    'message_bulk_delete', 'message_pop',
    'claim_create', 'claim_get', 'claim_update', 'claim_delete',
    'queue_create', 'queue_set_metadata', 'queue_delete', 'queue_purge',
    'queue_stats', 'queue_gc',
)


def _read(name: str) -> str:
    resource = importlib.resources.files(__package__) / 'lua' / name
    return resource.read_text(encoding='utf-8')


@functools.cache
def source(name: str) -> str:
    """The full text of script ``name``: header, helpers, body."""
    body = _read(name + '.lua')
    header = '#!lua'
    if body.startswith('#!'):
        header, _, body = body.partition('\n')
    return '\n'.join((header, _read('common.lua'), body))


def load_all(client: redis.Redis) -> dict[str, Script]:
    """A ``Script`` per name; each is loaded into Redis on first use (and
    again after a NOSCRIPT, e.g. once Redis restarted)."""
    return {name: Script(client, source(name)) for name in NAMES}
