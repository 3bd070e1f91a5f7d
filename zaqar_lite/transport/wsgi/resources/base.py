"""What every resource shares: the API object and JSON responses."""

import json

import falcon

from zaqar_lite.api import v2


class Resource:
    """A resource bound to the v2 API object."""

    def __init__(self, api: v2.API):
        self.api = api


#: One compact encoder: ``json.dumps`` with arguments builds a new
#: JSONEncoder at every call.
_ENCODER = json.JSONEncoder(separators=(',', ':'))


def respond(resp: falcon.Response, body, status: str = falcon.HTTP_200
            ) -> None:
    """Answer ``body`` as compact JSON."""
    resp.status = status
    resp.content_type = falcon.MEDIA_JSON
    resp.text = _ENCODER.encode(body)
