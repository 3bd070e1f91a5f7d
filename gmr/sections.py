"""The section registry: base sections first, registered ones after."""

import dataclasses
import traceback
from typing import Any, Callable, Optional

from gmr import model


@dataclasses.dataclass
class Entry:
    """A section to collect: title, layout kind, generator, condition."""

    title: str
    generator: Callable[[], Any]
    kind: str = 'generic'
    enabled: Optional[Callable[[], bool]] = None

    def is_enabled(self) -> bool:
        """Whether the section belongs in a report made now."""
        return self.enabled is None or bool(self.enabled())


def one_line_error(exc: BaseException) -> str:
    """'ValueError: boom (at path:line in func)' on a single line."""
    text = '%s: %s' % (type(exc).__name__, exc)
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        text += ' (at %s:%s in %s)' % (last.filename, last.lineno, last.name)
    return ' '.join(text.split())


def collect(entry: Entry) -> model.Section:
    """Run one generator in isolation: data, or a one-line error."""
    try:
        return model.Section(entry.title, entry.kind, entry.generator())
    except Exception as exc:
        return model.Section(entry.title, entry.kind,
                             error=one_line_error(exc))


def collect_all(entries: list[Entry]) -> list[model.Section]:
    """Every enabled section, in order; a failing one never stops the rest.
    """
    sections = []
    for entry in entries:
        try:
            enabled = entry.is_enabled()
        except Exception as exc:
            sections.append(model.Section(entry.title, entry.kind,
                                          error=one_line_error(exc)))
            continue
        if enabled:
            sections.append(collect(entry))
    return sections
