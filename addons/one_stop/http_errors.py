# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""HTTP refusals raised before dispatch answered as such, not as 500.

trytond 8.0 refuses a request whose Origin is another site with
``abort(403)`` outside the handler of its dispatch: the exception leaves
the WSGI application and the server answers "500 Internal Server Error".
The refusal is right; its status is not (a browser, a monitor and the tests
of the public pages must see 403).  This middleware answers such
an exception with its own status.  It is installed by the configuration
of trytond::

    [wsgi middleware]
    http_errors = trytond.modules.one_stop.http_errors.HTTPErrorMiddleware
"""
from werkzeug.exceptions import HTTPException


class HTTPErrorMiddleware:

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        try:
            return self.wsgi_app(environ, start_response)
        except HTTPException as exception:
            return exception(environ, start_response)

