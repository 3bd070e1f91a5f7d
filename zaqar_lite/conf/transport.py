"""Options of the [transport] group: API limits and defaults, as in Zaqar."""

from oslo_config import cfg

from zaqar_lite.conf import groups

GROUP = cfg.OptGroup('transport', title='API limits and defaults')

OPTS = [
    cfg.IntOpt('default_message_ttl', default=3600, min=60,
               help='TTL, in seconds, of a message posted without one.'),
    cfg.IntOpt('default_message_delay', default=0, min=0,
               help='Delay, in seconds, of a message posted without one.'),
    cfg.IntOpt('default_claim_ttl', default=300, min=60,
               help='TTL, in seconds, of a claim made without one.'),
    cfg.IntOpt('default_claim_grace', default=60, min=60,
               help='Grace, in seconds, of a claim made without one.'),
    cfg.IntOpt('max_queues_per_page', default=20, min=1,
               help='Largest "limit" accepted when listing queues.'),
    cfg.IntOpt('max_messages_per_page', default=20, min=1,
               help='Largest "limit" accepted when listing messages, and '
                    'the most ids accepted in one "ids" parameter.'),
    cfg.IntOpt('max_messages_per_claim_or_pop', default=20, min=1,
               help='Most messages taken by one claim or one pop.'),
    cfg.IntOpt('max_queue_metadata', default=65536, min=1,
               help='Largest queue metadata, in bytes of JSON.'),
    cfg.IntOpt('max_messages_post_size', default=262144, min=1,
               help='Largest body, in bytes, of one request posting '
                    'messages (checked on the body actually received).'),
    cfg.IntOpt('max_message_ttl', default=1209600, min=60,
               help='Largest message TTL, in seconds.'),
    cfg.IntOpt('max_message_delay', default=900, min=0,
               help='Largest message delay, in seconds.'),
    cfg.IntOpt('max_claim_ttl', default=43200, min=60,
               help='Largest claim TTL, in seconds.'),
    cfg.IntOpt('max_claim_grace', default=43200, min=60,
               help='Largest claim grace, in seconds.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register(conf, GROUP, OPTS)


def list_opts():
    return {GROUP: OPTS}
