"""Registration of an option group, shared by every option module."""

from oslo_config import cfg


def register(conf: cfg.ConfigOpts, group: cfg.OptGroup, opts: list) -> None:
    """Register ``opts`` under a group object of ``conf``'s own.

    oslo.config copies a registered group shallowly, so registering one
    module-level group object on several ConfigOpts would let an override
    set on one configuration leak into the others.
    """
    conf.register_group(cfg.OptGroup(group.name, title=group.title))
    conf.register_opts(opts, group=group.name)
