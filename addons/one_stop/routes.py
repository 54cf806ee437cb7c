# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The page of a printout (printout.py): ``GET /<db>/one_stop/print/<token>``.

It runs as the root user: the random token, given once to the clerk's
browser by the button that made the report, is what authorises it; the page
is served once."""
from http import HTTPStatus

from werkzeug.wrappers import Response

from trytond.i18n import gettext
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.wsgi import app

from .printout import PATH, page_headers


@app.route(f'/<database_name>/{PATH}/<token>', methods=['GET'])
@with_pool
@with_transaction(readonly=False)
def printout(request, pool, token):
    Printout = pool.get('one_stop.printout')
    taken = Printout.take(token)
    if not taken:
        text = gettext('one_stop.msg_printout_gone')
        return Response(
            text, status=HTTPStatus.NOT_FOUND,
            content_type='text/plain; charset=utf-8',
            headers={'Cache-Control': 'no-store'})
    page, nonce = taken
    return Response(
        page, content_type='text/html; charset=utf-8',
        headers=page_headers(nonce))
