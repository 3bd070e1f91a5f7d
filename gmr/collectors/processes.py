"""Processes section: this process, its parent and its children (psutil)."""

import psutil


def _describe(proc: psutil.Process, role: str) -> dict:
    """Plain facts about one process; a vanished one says so."""
    entry = {'role': role, 'pid': proc.pid}
    try:
        with proc.oneshot():
            entry.update(ppid=proc.ppid(), cmdline=proc.cmdline(),
                         status=proc.status(), rss=proc.memory_info().rss)
    except psutil.Error as exc:
        entry['error'] = '%s: %s' % (type(exc).__name__, exc)
    return entry


def collect() -> list[dict]:
    """This process, its parent (if any) and all its descendants."""
    me = psutil.Process()
    result = [_describe(me, 'self')]
    try:
        parent = me.parent()
    except psutil.Error:
        parent = None
    if parent is not None:
        result.append(_describe(parent, 'parent'))
    for child in me.children(recursive=True):
        result.append(_describe(child, 'child'))
    return result
