"""The ``oslo.config.opts`` entry point: every option, for the generator."""

import gmr.opts
import zaqar_lite.conf


def list_opts():
    """Return ``[(group, [opts])]`` for oslo-config-generator."""
    result = []
    for module in zaqar_lite.conf.MODULES:
        result.extend(module.list_opts().items())
    result.extend(gmr.opts.list_opts().items())
    return [(group.name, opts) for group, opts in result]
