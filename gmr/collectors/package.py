"""Package section: product, vendor, version and package, as passed in."""

from typing import Mapping, Optional

FIELDS = ('product', 'vendor', 'version', 'package')


def collect(version: Optional[Mapping]) -> dict:
    """The package facts the service passed in; missing ones are None."""
    version = version or {}
    return {field: version.get(field) for field in FIELDS}
