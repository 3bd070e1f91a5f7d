"""The versions document (``/``) and the json-home document (``/v2``)."""

import falcon

from zaqar_lite.transport.wsgi.resources import base

VERSIONS = {'versions': [{
    'id': '2',
    'status': 'CURRENT',
    'updated': '2014-9-24T04:06:47Z',
    'media-types': [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.messaging-v2+json',
    }],
    'links': [{'href': '/v2/', 'rel': 'self'}],
}]}

_JSON = 'application/json'


def _template(href_template: str, variables: tuple, methods: list,
              accept_patch: str | None = None) -> dict:
    hints = {'allow': methods, 'formats': {_JSON: {}}}
    if accept_patch:
        hints['accept-patch'] = [accept_patch]
    return {'href-template': href_template,
            'href-vars': {name: 'param/' + name for name in variables},
            'hints': hints}


_Q = '/v2/queues/{queue_name}'
JSON_HOME = {'resources': {
    'rel/ping': {'href': '/v2/ping',
                 'hints': {'allow': ['GET', 'HEAD'], 'formats': {}}},
    'rel/health': {'href': '/v2/health',
                   'hints': {'allow': ['GET'], 'formats': {_JSON: {}}}},
    'rel/queues': _template('/v2/queues{?marker,limit,detailed,with_count}',
                            ('marker', 'limit', 'detailed', 'with_count'),
                            ['GET']),
    'rel/queue': _template(_Q, ('queue_name',),
                           ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'],
                           'application/openstack-messaging-v2.0-json-patch'),
    'rel/queue_stats': _template(_Q + '/stats', ('queue_name',), ['GET']),
    'rel/queue_purge': _template(_Q + '/purge', ('queue_name',), ['POST']),
    'rel/messages': _template(
        _Q + '/messages{?marker,limit,echo,include_claimed,'
        'include_delayed,ids,pop}',
        ('queue_name', 'marker', 'limit', 'echo', 'include_claimed',
         'include_delayed', 'ids', 'pop'), ['GET', 'POST', 'DELETE']),
    'rel/message': _template(_Q + '/messages/{message_id}{?claim_id}',
                             ('queue_name', 'message_id', 'claim_id'),
                             ['GET', 'DELETE']),
    'rel/claims': _template(_Q + '/claims{?limit}', ('queue_name', 'limit'),
                            ['POST']),
    'rel/claim': _template(_Q + '/claims/{claim_id}',
                           ('queue_name', 'claim_id'),
                           ['GET', 'PATCH', 'DELETE']),
}}


class Versions:
    """``GET /``: the API versions (no headers needed)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        base.respond(resp, VERSIONS, falcon.HTTP_300)


class Home:
    """``GET /v2``: a json-home document of the v2 routes."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        base.respond(resp, JSON_HOME)
        resp.content_type = 'application/json-home'
