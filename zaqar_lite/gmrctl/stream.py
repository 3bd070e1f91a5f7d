"""Finding one whole report of a process in a stream shared with logs."""

import json
import re
from typing import Optional

from gmr.render import text as text_render
from zaqar_lite.gmrctl.stamps import header_ms

#: Sections every zaqar-lite-server report has (any run mode).
REQUIRED_SECTIONS = ('Package', 'Threads', 'Processes', 'Configuration',
                     'Runtime', 'Queues', 'Transport')

_RULE = '=' * text_render.WIDTH
TEXT_START = text_render.banner(text_render.TITLE) + '\n'
#: A JSON report opens with its schema, however it is indented.
JSON_START = re.compile(r'\{\s*"schema"\s*:\s*"gmr/')
_STARTS = re.compile('^(?:%s|%s)' % (re.escape(TEXT_START),
                                     JSON_START.pattern), re.MULTILINE)
_LOG_LINE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ ',
                       re.MULTILINE)


def _ours(chunk: str, pid: int, since: int) -> bool:
    """Whether a text report's header names ``pid`` and a time >= since."""
    found = re.search(r'^PID: (\d+)$', chunk, re.MULTILINE)
    when = re.search(r'^Time: (\S+)$', chunk, re.MULTILINE)
    return bool(found and when and int(found.group(1)) == pid
                and header_ms(when.group(1)) >= since)


def _text_report(chunk: str, pid: int, since: int,
                 ended: bool) -> Optional[str]:
    """The text report at the start of ``chunk`` if it is ours and whole.

    It is whole once every section is there and something follows it
    (a log line; ``ended`` when the stream is quiet or a report follows):
    the server writes a report with one write to its stderr stream.
    """
    if not _ours(chunk, pid, since):
        return None
    titles = set(re.findall(r'^====(.{64})====$', chunk, re.MULTILINE))
    if not all(t.center(64) in titles for t in REQUIRED_SECTIONS):
        return None
    last = chunk.rfind('====\n' + _RULE + '\n')
    tail = _LOG_LINE.search(chunk, last)
    if tail:
        return chunk[:tail.start()]
    return chunk if ended else None


def _json_report(chunk: str, pid: int, since: int) -> Optional[str]:
    """The JSON report at the start of ``chunk`` if it is ours and whole.
    """
    try:
        data, end = json.JSONDecoder().raw_decode(chunk)
        header = data['header']
        if header['pid'] != pid or header_ms(header['timestamp']) < since:
            return None
    except (ValueError, KeyError, TypeError):
        return None
    return chunk[:end] + '\n'


def report_starts(text: str) -> list[int]:
    """Offsets where a report (text or JSON) starts in ``text``."""
    return [m.start() for m in _STARTS.finditer(text)]


def find_report(text: str, pid: int, since: int,
                settled: bool) -> Optional[str]:
    """The first report of ``pid`` made at or after ``since`` (epoch ms).

    A text report with nothing after it counts only once the stream has
    ``settled``.
    """
    starts = report_starts(text)
    for start, end in zip(starts, starts[1:] + [len(text)]):
        chunk = text[start:end]
        if JSON_START.match(chunk):
            report = _json_report(chunk, pid, since)
        else:
            report = _text_report(chunk, pid, since,
                                  settled or end < len(text))
        if report:
            return report
    return None
