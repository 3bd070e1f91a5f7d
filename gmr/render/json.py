"""JSON view of a report: one versioned schema ('gmr/1').

{"schema": "gmr/1",
 "header": {"service", "run_mode", "pid", "worker_id",
            "timestamp" (ISO 8601 UTC, milliseconds), "answers"},
 "sections": [{"title", "kind", "data", "error"}, ...]}
"""

import json

from gmr import model


def to_dict(report: model.Report) -> dict:
    """The report as plain data following the schema."""
    header = report.header
    return {
        'schema': header.schema,
        'header': {
            'service': header.service,
            'run_mode': header.run_mode,
            'pid': header.pid,
            'worker_id': header.worker_id,
            'timestamp': timestamp(header),
            'answers': header.answers,
        },
        'sections': [{'title': s.title, 'kind': s.kind, 'data': s.data,
                      'error': s.error} for s in report.sections],
    }


def timestamp(header: model.Header) -> str:
    """ISO 8601 UTC time to the millisecond, e.g. 2026-01-02T03:04:05.678Z.
    """
    return header.timestamp.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


def render(report: model.Report) -> str:
    """The report as one JSON document; odd registered data as str()."""
    return json.dumps(to_dict(report), indent=1, sort_keys=False,
                      default=str)
