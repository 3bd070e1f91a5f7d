"""Text view of a report, in the oslo.reports layout operators know."""

from gmr import model
from gmr.render import json as json_render
from gmr.render import text_sections

WIDTH = 72
TITLE = 'Guru Meditation'


def banner(title: str) -> str:
    """72 '=', then '====' + title centred in 64 columns + '====', 72 '='.
    """
    rule = '=' * WIDTH
    return '%s\n====%s====\n%s' % (rule, title.center(64), rule)


def header_lines(header: model.Header) -> list[str]:
    """Who, where and when, and how many triggers this report answers."""
    worker = '-' if header.worker_id is None else str(header.worker_id)
    plural = '' if header.answers == 1 else 's'
    return [
        'Service: %s' % header.service,
        'Run mode: %s' % header.run_mode,
        'PID: %d' % header.pid,
        'Worker ID: %s' % worker,
        'Time: %s' % json_render.timestamp(header),
        'Schema: %s' % header.schema,
        'This report answers %d trigger%s.' % (header.answers, plural),
    ]


def section_text(section: model.Section) -> str:
    """A section's banner and body; an error is one line."""
    if section.error is not None:
        body = 'ERROR: section failed: %s\n' % section.error
    else:
        body = text_sections.body(section.kind, section.data)
    return '%s\n%s' % (banner(section.title), body)


def render(report: model.Report) -> str:
    """The whole report as text, ending with a newline."""
    opening = '%s\n%s\n\n%s\n' % (banner(TITLE), '|' * WIDTH,
                                  '\n'.join(header_lines(report.header)))
    parts = [opening] + [section_text(s) for s in report.sections]
    return '\n'.join(parts).rstrip('\n') + '\n'
