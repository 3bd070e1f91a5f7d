"""Configuration section: every group and option of the service's config.

Values are masked with :func:`gmr.masking.mask_value`: secret options,
passwords in URLs and keys that look like secrets never reach a report.
"""

from oslo_config import cfg

from gmr import masking


def _value(conf_or_group, name: str, opt: cfg.Opt):
    """The masked value of one option, or a one-line error about it."""
    try:
        value = conf_or_group[name]
    except Exception as exc:  # a bad value must not hide the others
        return '<error: %s: %s>' % (type(exc).__name__, exc)
    return masking.mask_value(name, value, secret=opt.secret)


def _options(conf_or_group, opts: dict) -> dict:
    """Masked values of the options in ``opts`` (oslo.config's registry)."""
    return {name: _value(conf_or_group, name, info['opt'])
            for name, info in sorted(opts.items())}


def collect(conf: cfg.ConfigOpts) -> dict:
    """``{group: {option: masked value}}``, 'DEFAULT' first.

    oslo.config has no public way to list an option's ``Opt`` (needed for
    its ``secret`` flag), so its registries are read as oslo.reports does.
    """
    result = {'DEFAULT': _options(conf, conf._opts)}
    for name in sorted(conf._groups):
        group = conf._groups[name]
        result[name] = _options(conf[name], group._opts)
    return result
