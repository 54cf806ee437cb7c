# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""trytond's WSGI application plus one trivial route, for the benchmarks.

bench/survey_load.py runs ``gunicorn trivial_app:app`` (with
``--pythonpath bench``) instead of ``trytond.application:app``: it is the
same application object, with the same routes, pool and transactions, plus

    GET /<database>/bench/ping  ->  200 "pong" (text/plain)

which goes through the same decorators as the survey routes of
public_satisfaction (``with_pool``, ``with_transaction(readonly=False)``)
and does nothing else: the baseline of the survey pages ("a trivial
trytond route in the same server").  trytond has no route of its own that
is as trivial (``/rpc/`` decodes JSON and dispatches; the others read
records).  Never load this module in production.

With ``BENCH_ADDONS`` set to a directory, the trytond modules found there
are loaded instead of the installed ones (bench/survey_load.py
``--addons``: to measure the code before a change in the same way).
"""
import os

import trytond.modules

if os.environ.get('BENCH_ADDONS'):
    # bench/survey_load.py --addons: another copy of the modules, first
    trytond.modules.__path__.insert(0, os.environ['BENCH_ADDONS'])

from trytond.application import app  # noqa: E402
from trytond.protocols.wrappers import (  # noqa: E402
    Response, with_pool, with_transaction)

__all__ = ['app']


@app.route('/<database_name>/bench/ping')
@with_pool
@with_transaction(readonly=False)
def ping(request, pool):
    "The least a trytond route does: pool, transaction, a response"
    return Response('pong', content_type='text/plain; charset=utf-8')
