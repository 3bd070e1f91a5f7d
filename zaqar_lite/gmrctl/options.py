"""The server's ``[oslo_reports]`` options, read as the server reads them."""

import os
import types

from oslo_config import cfg

from gmr import opts as gmr_opts
from zaqar_lite.gmrctl.errors import GmrError


def report_options(files: list[str], dirs: list[str]
                   ) -> types.SimpleNamespace:
    """The ``[oslo_reports]`` options the command needs, from the given
    configuration."""
    for path in files + dirs:
        if not os.access(path, os.R_OK):
            raise GmrError('cannot read configuration %s' % path)
    conf = cfg.ConfigOpts()
    gmr_opts.register_opts(conf)
    args = ['--config-file=%s' % f for f in files]
    args += ['--config-dir=%s' % d for d in dirs]
    try:
        conf(args=args, project='zaqar-lite', default_config_files=[],
             default_config_dirs=[])
        group = conf.oslo_reports  # values are checked when read: now
        return types.SimpleNamespace(
            log_dir=group.log_dir,
            file_event_handler=group.file_event_handler,
            file_event_handler_interval=group.file_event_handler_interval)
    except (cfg.Error, ValueError) as exc:
        raise GmrError('bad configuration: %s'
                       % ' '.join(str(exc).split()))
