"""Text layouts of the section kinds (bodies below the banners)."""

import textwrap
from collections import abc
from typing import Any


def block_rule(label: str) -> str:
    """'------' + label centred in 60 columns + '------'."""
    return '------%s------' % label.center(60)


def frames(stack: list[dict]) -> str:
    """Frames as oslo.reports prints them, outermost first."""
    if not stack:
        return '\nNo Traceback!\n'
    lines = []
    for frame in stack:
        code = frame.get('code')
        source = '`%s`' % code if code is not None else '(source not found)'
        lines.append('\n%s:%s in %s\n    %s\n' % (
            frame['path'], frame['line'], frame['function'], source))
    return ''.join(lines)


def key_values(data: Any, indent: int = 0) -> list[str]:
    """Nested mappings and lists as 'key = value' lines, indented by 2."""
    pad = '  ' * indent
    if isinstance(data, abc.Mapping):
        lines = []
        for key, value in data.items():
            if _is_nested(value):
                lines.append('%s%s = ' % (pad, key))
                lines.extend(key_values(value, indent + 1))
            else:
                lines.append('%s%s = %s' % (pad, key, value))
        return lines
    if _is_nested(data):
        lines = []
        for item in data:
            lines.extend(key_values(item, indent) if _is_nested(item)
                         else ['%s%s' % (pad, item)])
        return lines
    return ['%s%s' % (pad, line) for line in str(data).split('\n')]


def _is_nested(value: Any) -> bool:
    """Whether ``value`` is a mapping or a (non-string) sequence."""
    return isinstance(value, (abc.Mapping, list, tuple))


def threads(data: list[dict]) -> str:
    """One block per OS thread: ident, then name/native id/daemon, stack."""
    blocks = []
    for thread in data:
        blocks.append('%s\nName: %s, native id: %s, daemon: %s\n%s' % (
            block_rule(' Thread #%s ' % thread['ident']), thread['name'],
            thread['native_id'], thread['daemon'], frames(thread['stack'])))
    return '\n'.join(blocks)


def grouped(label: str, data: list[dict], member: str) -> str:
    """Blocks of identical stacks: '<label> x<count>', members, stack."""
    if not data:
        return 'None.\n'
    blocks = []
    for group in data:
        members = textwrap.fill(
            ', '.join(member % m for m in group['members']), 72,
            break_on_hyphens=False)
        blocks.append('%s\n%s\n%s' % (
            block_rule(' %s x%d ' % (label, group['count'])), members,
            frames(group['stack'])))
    return '\n'.join(blocks)


def processes(data: list[dict]) -> str:
    """One line per process, its command line indented below it."""
    lines = []
    for proc in data:
        if 'error' in proc:
            lines.append('Process %s (%s) [ %s ]' % (
                proc['pid'], proc['role'], proc['error']))
            continue
        lines.append(
            'Process %s (under %s) [ %s, state: %s, rss: %.1f MiB ]' % (
                proc['pid'], proc['ppid'], proc['role'], proc['status'],
                proc['rss'] / 1048576.0))
        lines.append('    %s' % ' '.join(proc['cmdline']))
    return '\n'.join(lines) + '\n'


def configuration(data: dict) -> str:
    """'group:' then '  option = value' lines, one blank line between."""
    blocks = []
    for group, options in data.items():
        lines = ['%s:' % group]
        lines.extend('  %s = %s' % (k, v) for k, v in options.items())
        blocks.append('\n'.join(lines))
    return '\n\n'.join(blocks) + '\n'


def body(kind: str, data: Any) -> str:
    """The text body of a section of ``kind``."""
    if kind == 'threads':
        return threads(data)
    if kind == 'green_threads':
        return grouped('Green Thread', data, '%(id)s')
    if kind == 'asyncio_tasks':
        return grouped('Task', data, '%(name)s (%(state)s)')
    if kind == 'processes':
        return processes(data)
    if kind == 'configuration':
        return configuration(data)
    return '\n'.join(key_values(data)) + '\n'
