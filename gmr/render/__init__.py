"""Renderers: turn a report model into text or JSON."""

from gmr import model
from gmr.render import json as json_render
from gmr.render import text as text_render

FORMATS = {'text': text_render.render, 'json': json_render.render}


def render(report: model.Report, fmt: str = 'text') -> str:
    """The report in ``fmt`` ('text' or 'json')."""
    return FORMATS[fmt](report)
