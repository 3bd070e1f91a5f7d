"""The Lua scripts (``lua/*.lua``), each run atomically inside Redis.

Every script is ``common.lua`` followed by its own file. Scripts carry no
``#!lua`` flags, so that Redis 6 runs them too; Redis (6 and 7) then lets
a script that has written once keep writing even when out of memory, so a
script is never stopped half-way: each one is all or nothing.
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
    """The full text of script ``name``: the helpers, then its body."""
    return _read('common.lua') + '\n' + _read(name + '.lua')


def load_all(client: redis.Redis) -> dict[str, Script]:
    """A ``Script`` per name; each is loaded into Redis on first use (and
    again after a NOSCRIPT, e.g. once Redis restarted)."""
    return {name: Script(client, source(name)) for name in NAMES}
