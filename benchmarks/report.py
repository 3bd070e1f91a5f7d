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


def check(name: str, row, figure: str, goal: float,
          out: TextIO) -> bool:
    """Print one target line: the figure as measured and per core of
    server CPU. True when the measured figure meets ``goal``."""
    if figure == 'ratio':
        value, per_core = (row.ratio, row.core_ratio) if row else (None,
                                                                   None)
        fmt = '.2f'
    else:
        value = row.figures.msgs_per_s if row else None
        per_core = row.per_core if row else None
        fmt = '.0f'
    met = value is not None and value >= goal
    core_met = per_core is not None and per_core >= goal
    print('  %-38s %8s %8s  (target >= %s)  %s; per core: %s' % (
        name, _num(value, fmt), _num(per_core, fmt), format(goal, fmt),
        'MET' if met else 'MISSED',
        '-' if per_core is None else 'MET' if core_met else 'MISSED'),
        file=out)
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
