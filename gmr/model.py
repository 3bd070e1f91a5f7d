"""The report model: a header and an ordered list of sections."""

import dataclasses
import datetime
from typing import Any, Optional

SCHEMA = 'gmr/1'


@dataclasses.dataclass
class Header:
    """Who made the report, when, and for how many triggers."""

    service: str
    run_mode: str
    pid: int
    worker_id: Optional[int]
    timestamp: datetime.datetime
    answers: int
    schema: str = SCHEMA


@dataclasses.dataclass
class Section:
    """One titled section: plain JSON-able data, or a one-line error.

    ``kind`` tells renderers which layout fits the data ('package',
    'threads', 'green_threads', 'asyncio_tasks', 'processes',
    'configuration', 'runtime' or 'generic' for registered sections).
    """

    title: str
    kind: str = 'generic'
    data: Any = None
    error: Optional[str] = None


@dataclasses.dataclass
class Report:
    """A complete report, ready for a renderer."""

    header: Header
    sections: list[Section] = dataclasses.field(default_factory=list)

    def section(self, title: str) -> Optional[Section]:
        """The first section titled ``title``, or None."""
        for section in self.sections:
            if section.title == title:
                return section
        return None
