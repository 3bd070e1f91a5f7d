"""Real (unpatched) standard modules, even under eventlet monkey patching.

The report builder and the file watcher must be OS threads: a green thread
would only run when the hub lets it, and would stall every other green
thread while it builds. eventlet keeps pristine copies of the modules it
patches; this module hands them out, or the stdlib when eventlet is absent.
"""

import importlib
import sys
import types


def original(name: str) -> types.ModuleType:
    """The unpatched module ``name`` (e.g. 'threading', 'os', 'time')."""
    if 'eventlet' in sys.modules:
        from eventlet import patcher
        return patcher.original(name)
    return importlib.import_module(name)


def threading() -> types.ModuleType:
    """The unpatched ``threading`` module."""
    return original('threading')


def os() -> types.ModuleType:
    """The unpatched ``os`` module."""
    return original('os')


def time() -> types.ModuleType:
    """The unpatched ``time`` module."""
    return original('time')
