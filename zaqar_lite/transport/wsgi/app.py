"""The falcon application of the v2 HTTP API."""

import logging

import falcon

from zaqar_lite.api import errors
from zaqar_lite.api import v2
from zaqar_lite.transport import stats as transport_stats
from zaqar_lite.transport.wsgi import middleware
from zaqar_lite.transport.wsgi.resources import claims
from zaqar_lite.transport.wsgi.resources import health
from zaqar_lite.transport.wsgi.resources import home
from zaqar_lite.transport.wsgi.resources import messages
from zaqar_lite.transport.wsgi.resources import queues

LOG = logging.getLogger(__name__)

_Q = '/v2/queues/{queue_name}'


def create_app(api: v2.API,
               stats: transport_stats.TransportStats | None = None):
    """Build the WSGI application of the v2 API on ``api``.

    :param stats: counters to keep while serving (for the GMR); a WSGI
        wrapper counts requests handled and in flight.
    """
    app = falcon.App(middleware=[middleware.RequestContextMiddleware()])
    app.req_options.strip_url_path_trailing_slash = True
    app.req_options.keep_blank_qs_values = True
    _add_routes(app, api)
    app.set_error_serializer(_serialize_http_error)
    app.add_error_handler(errors.APIError, _handle_api_error)
    app.add_error_handler(Exception, _make_unexpected_handler(stats))
    if stats is None:
        return app
    return _counting(app, stats)


def _add_routes(app: falcon.App, api: v2.API) -> None:
    app.add_route('/', home.Versions())
    app.add_route('/v2', home.Home())
    app.add_route('/v2/ping', health.Ping(api))
    app.add_route('/v2/health', health.Health(api))
    app.add_route('/v2/queues', queues.Collection(api))
    app.add_route(_Q, queues.Item(api))
    app.add_route(_Q + '/stats', queues.Stats(api))
    app.add_route(_Q + '/purge', queues.Purge(api))
    app.add_route(_Q + '/messages', messages.Collection(api))
    app.add_route(_Q + '/messages/{message_id}', messages.Item(api))
    app.add_route(_Q + '/claims', claims.Collection(api))
    app.add_route(_Q + '/claims/{claim_id}', claims.Item(api))
    # Routes take precedence: the sink only sees paths no route matches.
    app.add_sink(_unrouted_queue_path, r'/v2/queues/')


#: Descriptions for falcon's own errors, which come without one.
_DESCRIPTIONS = {
    404: ('Not found', 'The requested resource does not exist.'),
    405: (None, 'The resource does not support this method; the Allow '
                'header lists the methods it does support.'),
}


def _serialize_http_error(req, resp, exc: falcon.HTTPError) -> None:
    """Every error body is JSON with a title and a description."""
    title, description = _DESCRIPTIONS.get(exc.status_code, (None, None))
    resp.content_type = falcon.MEDIA_JSON
    resp.media = {'title': title or exc.title,
                  'description': exc.description or description
                  or exc.title}


#: Where WSGI servers keep the path as it was sent, before unquoting
#: (gunicorn and falcon.testing, uWSGI, eventlet).
_RAW_PATH_KEYS = ('RAW_URI', 'REQUEST_URI', 'RAW_PATH_INFO')


def _unrouted_queue_path(req: falcon.Request, resp: falcon.Response,
                         **kwargs) -> None:
    """A path under ``/v2/queues/`` that no route matches.

    A queue name with an encoded slash (``a%2Fb``) arrives unquoted as two
    path segments and matches nothing; it is an invalid queue name, not an
    unknown resource, so it gets the same 400 as any other bad name.
    """
    raw = next((req.env[key] for key in _RAW_PATH_KEYS if req.env.get(key)),
               '')
    segments = raw.split('?', 1)[0].split('/')
    if len(segments) > 3 and '%2f' in segments[3].lower():
        raise errors.BadRequest(
            'The format of the submitted queue name or project id is not '
            'valid.', title='Invalid queue identification')
    raise falcon.HTTPNotFound()


def _handle_api_error(req, resp, exc: errors.APIError, params) -> None:
    resp.status = exc.status
    resp.media = exc.to_dict()


def _make_unexpected_handler(stats):
    def handle(req, resp, exc: Exception, params) -> None:
        if isinstance(exc, (falcon.HTTPError, falcon.HTTPStatus)):
            raise exc  # falcon's own answers keep their status
        LOG.exception('Unexpected error in %s %s', req.method, req.path)
        if stats is not None:
            stats.errors += 1
        resp.status = falcon.HTTP_500
        resp.media = {'title': 'Internal server error',
                      'description': 'Unexpected error; the server log '
                                     'has the details.'}
    return handle


def _counting(app, stats: transport_stats.TransportStats):
    """Wrap ``app`` so that ``stats`` counts requests as they run."""
    def counted(environ, start_response):
        stats.in_flight += 1
        try:
            return app(environ, start_response)
        finally:
            stats.in_flight -= 1
            stats.handled += 1
    return counted
