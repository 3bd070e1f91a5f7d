"""Printing benchmark results: a table, the targets and the audit."""

from __future__ import annotations

import math
from typing import Optional, TextIO

COLUMNS = (('scenario', '<24'), ('clients', '>7'), ('requests', '>8'),
           ('req/s', '>8'), ('msgs/s', '>8'), ('p50 ms', '>7'),
           ('p99 ms', '>7'), ('vs ping', '>7'), ('srv CPU', '>7'),
           ('us/req', '>6'), ('host', '>5'),
           ('cli CPU', '>7'), ('errors', '>6'))


def _num(value: Optional[float], fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '-'
    return format(value, fmt)


def _cells(row) -> list[str]:
    f, o = row.figures, row.outcome
    return [row.name, row.clients, str(f.requests),
            _num(f.req_per_s, '.0f'),
            _num(f.msgs_per_s, '.0f') if f.messages else '-',
            _num(f.p50_ms, '.2f'), _num(f.p99_ms, '.2f'),
            _num(row.ratio, '.2f'),
            _num(o.server_cpu and o.server_cpu * 100, '.0f') + '%'
            if o.server_cpu is not None else '-',
            _num(o.server_cpu / o.requests_per_s * 1e6, '.0f')
            if o.server_cpu is not None and o.events else '-',
            _num(o.host_cpu * 100, '.0f') + '%',
            _num(o.client_cpu * 100, '.0f') + '%', str(o.errors)]


def table(rows: list, out: TextIO) -> None:
    """One line per row under a header, columns aligned."""
    formats = [spec for _, spec in COLUMNS]
    header = '  '.join(format(name, spec) for name, spec in COLUMNS)
    print(header, file=out)
    print('-' * len(header), file=out)
    for row in rows:
        print('  '.join(format(cell, spec) for cell, spec
                        in zip(_cells(row), formats)), file=out)


def check(name: str, value: Optional[float], goal: float,
          unit: str, out: TextIO) -> bool:
    """Print one target line; True when it is met."""
    met = value is not None and value >= goal
    shown = _num(value, '.2f' if unit == 'x' else '.0f')
    print('  %-44s %10s %s  (target >= %s)  %s' % (
        name, shown, unit, format(goal, '.2f' if unit == 'x' else '.0f'),
        'MET' if met else 'MISSED'), file=out)
    return met


def audit(result, out: TextIO) -> None:
    """The mix's delivery check."""
    print('Mix delivery check: %d posted, %d consumed during the run, '
          '%d drained after it: %s' % (
              result.posted, result.delivered, result.drained,
              'every message delivered exactly once' if result.ok
              else 'FAILED'), file=out)
    for what in ('lost', 'duplicated', 'unexpected'):
        ids = getattr(result, what)
        if ids:
            print('  %d %s, e.g. %s' % (len(ids), what, ids[:5]), file=out)
    if result.left_in_queue:
        print('  %d messages still listed after the drain'
              % result.left_in_queue, file=out)
