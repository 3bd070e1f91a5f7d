"""The websocket action table: each action's body fields and its v2 call.

An action names the fields of its request body (with their types, and
whether they are required) and a small function that calls the shared
v2 operation layer (``zaqar_lite.api``) and shapes the reply the way
Zaqar's websocket API does. Validation of values (queue names, limits,
ttls, ...) stays in the operation layer, exactly as for HTTP.
"""

import dataclasses
from typing import Any, Callable

from zaqar_lite.api import context
from zaqar_lite.api import errors
from zaqar_lite.api import v2
from zaqar_lite.api import validation

#: (status, body) of a reply.
Reply = tuple[int, Any]

#: type name -> check, for body fields. Booleans are not integers here.
KINDS: dict[str, Callable[[Any], bool]] = {
    'string': lambda value: isinstance(value, str),
    'integer': validation.is_int,
    'boolean': lambda value: isinstance(value, bool),
    'array': lambda value: isinstance(value, list),
    'object': lambda value: isinstance(value, dict),
}


@dataclasses.dataclass(frozen=True)
class Field:
    """A body field: its name, its type (a key of ``KINDS``), required."""

    name: str
    kind: str
    required: bool = False


@dataclasses.dataclass(frozen=True)
class Call:
    """One checked request: what an action function works with.

    ``args`` holds the declared fields that were given (a null counts as
    not given: python-zaqarclient sends nulls for arguments it was not
    given); ``size`` is the frame's size in bytes.
    """

    api: v2.API
    ctx: context.RequestContext | None
    args: dict
    size: int


@dataclasses.dataclass(frozen=True)
class Action:
    """An action: its body fields and the function that runs it."""

    name: str
    fields: tuple[Field, ...]
    run: Callable[[Call], Reply]
    needs_context: bool = True

    def check(self, body: dict) -> dict:
        """The declared fields of ``body``, type-checked.

        :raises errors.BadRequest: a required field is missing, or a
            field has the wrong type.
        """
        args = {}
        for field in self.fields:
            value = body.get(field.name)
            if value is None:
                if field.required:
                    raise errors.BadRequest('Missing "%s" field in the body '
                                            'of %s.' % (field.name,
                                                        self.name))
                continue
            if not KINDS[field.kind](value):
                raise errors.BadRequest('The "%s" field must be of type %s.'
                                        % (field.name, field.kind))
            args[field.name] = value
        return args


QUEUE = Field('queue_name', 'string', required=True)
MARKER = Field('marker', 'string')
LIMIT = Field('limit', 'integer')


def _queue_list(c: Call) -> Reply:
    return 200, c.api.queues.list(
        c.ctx, marker=c.args.get('marker'), limit=c.args.get('limit'),
        detailed=c.args.get('detailed', False),
        with_count=c.args.get('with_count', False))


def _queue_create(c: Call) -> Reply:
    name = c.args['queue_name']
    created = c.api.queues.create(c.ctx, name, c.args.get('metadata'))
    if created:
        return 201, 'Queue %s created.' % name
    return 204, 'Queue %s already exists.' % name


def _queue_get(c: Call) -> Reply:
    return 200, c.api.queues.get(c.ctx, c.args['queue_name'])


def _queue_delete(c: Call) -> Reply:
    c.api.queues.delete(c.ctx, c.args['queue_name'])
    return 204, 'Queue %s removed.' % c.args['queue_name']


def _queue_get_stats(c: Call) -> Reply:
    return 200, c.api.queues.stats(c.ctx, c.args['queue_name'])


def _queue_purge(c: Call) -> Reply:
    c.api.queues.purge(c.ctx, c.args['queue_name'],
                       c.args.get('resource_types'))
    return 204, {}


def _message_post(c: Call) -> Reply:
    ids = c.api.messages.post(c.ctx, c.args['queue_name'],
                              c.args['messages'], size=c.size)
    return 201, {'message_ids': ids}


def _message_list(c: Call) -> Reply:
    return 200, c.api.messages.list(
        c.ctx, c.args['queue_name'], marker=c.args.get('marker'),
        limit=c.args.get('limit'), echo=c.args.get('echo', False),
        include_claimed=c.args.get('include_claimed', False),
        include_delayed=c.args.get('include_delayed', False))


def _message_get(c: Call) -> Reply:
    # Zaqar's websocket API puts the one message under "messages".
    return 200, {'messages': c.api.messages.get(
        c.ctx, c.args['queue_name'], c.args['message_id'])}


def _message_get_many(c: Call) -> Reply:
    return 200, c.api.messages.get_many(c.ctx, c.args['queue_name'],
                                        c.args['message_ids'])


def _message_delete(c: Call) -> Reply:
    c.api.messages.delete(c.ctx, c.args['queue_name'],
                          c.args['message_id'],
                          claim_id=c.args.get('claim_id'))
    return 204, {}


def _message_delete_many(c: Call) -> Reply:
    popped = c.api.messages.delete_selected(
        c.ctx, c.args['queue_name'], ids=c.args.get('message_ids'),
        pop=c.args.get('pop'), claim_ids=c.args.get('claim_ids'))
    return (204, {}) if popped is None else (200, popped)


def _claim_create(c: Call) -> Reply:
    claim_id, found = c.api.claims.create(
        c.ctx, c.args['queue_name'], ttl=c.args.get('ttl'),
        grace=c.args.get('grace'), limit=c.args.get('limit'))
    if claim_id is None:
        return 204, {'claim_id': None}
    return 201, {'claim_id': claim_id, 'messages': found}


def _claim_get(c: Call) -> Reply:
    return 200, c.api.claims.get(c.ctx, c.args['queue_name'],
                                 c.args['claim_id'])


def _claim_update(c: Call) -> Reply:
    c.api.claims.update(c.ctx, c.args['queue_name'], c.args['claim_id'],
                        ttl=c.args.get('ttl'), grace=c.args.get('grace'))
    return 204, 'Claim %s updated.' % c.args['claim_id']


def _claim_delete(c: Call) -> Reply:
    c.api.claims.delete(c.ctx, c.args['queue_name'], c.args['claim_id'])
    return 204, 'Claim %s deleted.' % c.args['claim_id']


def _authenticate(c: Call) -> Reply:
    # No auth backend: every connection is already allowed.
    return 200, {}


def _fields(*specs: tuple) -> tuple[Field, ...]:
    return tuple(spec if isinstance(spec, Field) else Field(*spec)
                 for spec in specs)


_TABLE = [
    ('queue_list', _fields(MARKER, LIMIT, ('detailed', 'boolean'),
                           ('with_count', 'boolean')), _queue_list),
    ('queue_create', _fields(QUEUE, ('metadata', 'object')), _queue_create),
    ('queue_get', _fields(QUEUE), _queue_get),
    ('queue_delete', _fields(QUEUE), _queue_delete),
    ('queue_get_stats', _fields(QUEUE), _queue_get_stats),
    ('queue_purge', _fields(QUEUE, ('resource_types', 'array')),
     _queue_purge),
    ('message_post', _fields(QUEUE, ('messages', 'array', True)),
     _message_post),
    ('message_list', _fields(QUEUE, MARKER, LIMIT, ('echo', 'boolean'),
                             ('include_claimed', 'boolean'),
                             ('include_delayed', 'boolean')),
     _message_list),
    ('message_get', _fields(QUEUE, ('message_id', 'string', True)),
     _message_get),
    ('message_get_many', _fields(QUEUE, ('message_ids', 'array', True)),
     _message_get_many),
    ('message_delete', _fields(QUEUE, ('message_id', 'string', True),
                               ('claim_id', 'string')), _message_delete),
    ('message_delete_many', _fields(QUEUE, ('message_ids', 'array'),
                                    ('claim_ids', 'array'),
                                    ('pop', 'integer')),
     _message_delete_many),
    ('claim_create', _fields(QUEUE, LIMIT, ('ttl', 'integer'),
                             ('grace', 'integer')), _claim_create),
    ('claim_get', _fields(QUEUE, ('claim_id', 'string', True)), _claim_get),
    ('claim_update', _fields(QUEUE, ('claim_id', 'string', True),
                             ('ttl', 'integer'), ('grace', 'integer')),
     _claim_update),
    ('claim_delete', _fields(QUEUE, ('claim_id', 'string', True)),
     _claim_delete),
]

#: action name -> Action.
ACTIONS: dict[str, Action] = {
    name: Action(name, fields, run) for name, fields, run in _TABLE}
ACTIONS['authenticate'] = Action('authenticate', (), _authenticate,
                                 needs_context=False)
