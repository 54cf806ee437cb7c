# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The frame of every route of the API (routes.py): key, scope, limits,
errors and the audit.

``api_route(path, methods, name)`` registers a function
``func(request, pool, platform, **arguments)`` under ``/<db>/api/v1``:

- the key is checked by trytond's ``user_application`` (application
  ``satisfaction_api``; bearer or basic password), which gives the user of
  the platform; the platform is the one of that user (401 without one, with
  a revoked key or an inactive platform);
- a request is counted against the key's budget (public_satisfaction's
  limits.py: ``[public_satisfaction] api_requests`` per ``api_window``
  seconds, 600 per 60 by default): 429 with ``Retry-After`` past it;
- a body larger than MAX_BODY is refused (413) before it is read;
- func runs as the root user, without access checks: the scope of the
  platform (its agencies) is what it may touch, and func checks it;
- an error is answered ``{"code", "message", "field"}`` (message in
  Vietnamese unless ``?lang=en`` or ``Accept-Language: en``) and rolls
  back everything func did;
- every call is written in ``satisfaction.api.call``, the refused ones too,
  after that rollback.
"""
import json
import re
import time
from functools import wraps
from http import HTTPStatus

from werkzeug.exceptions import HTTPException

from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.modules.one_stop.exceptions import TransitionError
from trytond.modules.one_stop.localtime import utcnow
from trytond.modules.public_satisfaction.limits import Budget, RequestLimits
from trytond.protocols.wrappers import (
    Response, set_max_request_size, user_application, with_pool,
    with_transaction)
from trytond.transaction import Transaction, without_check_access
from trytond.wsgi import app

from .payload import PayloadError
from .platform import APPLICATION, hash_key

PREFIX = '/<database_name>/api/v1'
MAX_BODY = 2 * 1024 * 1024
API_REQUESTS = Budget('api_key', 'api_requests', 600, 'api_window', 60)
LANGUAGES = ('vi', 'en')


def language(request):
    lang = request.args.get('lang')
    if lang in LANGUAGES:
        return lang
    best = request.accept_languages.best_match(LANGUAGES)
    return best or 'vi'


def loggable_path(path, size=200):
    """The path of a request as the call log stores it: at most size
    characters, the control characters percent-encoded (PostgreSQL text
    cannot hold NUL, and a log line should not hold a line break)"""
    return re.sub(r'[\x00-\x1f\x7f]',
        lambda match: f'%{ord(match.group()):02X}', path)[:size]


def json_response(data, status=HTTPStatus.OK, headers=None):
    response = Response(
        json.dumps(data, ensure_ascii=False, separators=(',', ':')),
        status=int(status), content_type='application/json; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(status, code, field=None, headers=None, **params):
    message = gettext(f'satisfaction_api.msg_api_{code}', **params)
    return json_response(
        {'code': code, 'message': message, 'field': field},
        status=status, headers=headers)


def read_json(request):
    "The decoded JSON body of request, or PayloadError"
    content_type = (request.mimetype or '').lower()
    if content_type != 'application/json':
        raise PayloadError(415, 'unsupported_media_type')
    raw = request.get_data(cache=True)
    if not raw:
        raise PayloadError(400, 'invalid_json')

    def refuse_constant(name):
        raise ValueError(name)
    try:
        return json.loads(raw.decode('utf-8'), parse_constant=refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise PayloadError(400, 'invalid_json') from None


def _bearer(request):
    authorization = request.authorization
    if authorization is None:
        return None
    if authorization.type == 'bearer':
        return getattr(authorization, 'token', None)
    if authorization.type == 'basic':
        return authorization.get('password')
    return None


def _authenticate(request, pool):
    """(platform, key) of the request, or PayloadError 401: the key is
    checked by trytond's user_application, which gives the platform's
    user"""
    Platform = pool.get('satisfaction.api.platform')
    Application = pool.get('res.user.application')

    @user_application(APPLICATION, json=False)
    def identify(request):
        return Transaction().user
    try:
        user_id = identify(request)
    except HTTPException:
        raise PayloadError(401, 'unauthorized') from None
    key, = Application.search([
            ('key', '=', hash_key(_bearer(request))),
            ('application', '=', APPLICATION),
            ], limit=1)
    platforms = Platform.search([
            ('user', '=', user_id),
            ('active', '=', True),
            ], limit=1)
    if not platforms or key.satisfaction_platform != platforms[0]:
        raise PayloadError(401, 'unauthorized')
    return platforms[0], key


def api_route(path, methods, name):
    """Register func as the route path (below /<db>/api/v1) for methods;
    name: what the audit calls it (e.g. "dossier.put")"""
    def decorator(func):
        @app.route(PREFIX + path, methods=methods)
        @set_max_request_size(MAX_BODY + 1)
        @with_pool
        @with_transaction(readonly=False)
        @wraps(func)
        def endpoint(request, pool, **arguments):
            with Transaction().set_context(language=language(request)):
                return _handle(request, pool, func, name, arguments)
        return endpoint
    return decorator


def _handle(request, pool, func, name, arguments):
    Call = pool.get('satisfaction.api.call')
    transaction = Transaction()
    start = time.monotonic()
    platform = key = None
    items = None
    error = None
    try:
        with without_check_access():
            if (request.content_length or 0) > MAX_BODY:
                raise PayloadError(413, 'body_too_large',
                    limit=MAX_BODY // 1024)
            platform, key = _authenticate(request, pool)
            decision = RequestLimits(request).count(
                'api', (API_REQUESTS, key.id))
            if not decision.admitted:
                raise PayloadError(429, 'too_many_requests',
                    seconds=decision.retry_after)
            result = func(request, pool, platform, **arguments)
            if isinstance(result, tuple):
                result, items = result
            response = (result if isinstance(result, Response)
                else json_response(result))
    except PayloadError as exception:
        error = exception
        headers = {}
        if exception.status == 429:
            headers['Retry-After'] = str(exception.params['seconds'])
        if exception.status == 401:
            headers['WWW-Authenticate'] = 'Bearer realm="satisfaction_api"'
        transaction.rollback()
        response = error_response(
            exception.status, exception.code, exception.field,
            headers=headers, **exception.params)
    except (backend.DatabaseIntegrityError, TransitionError) as exception:
        # the host refused a move (or a concurrent upsert won the code)
        transaction.rollback()
        error = PayloadError(409, 'refused_by_host')
        response = json_response({
                'code': 'refused_by_host',
                'message': getattr(exception, 'message', None) or gettext(
                    'satisfaction_api.msg_api_refused_by_host'),
                'field': None,
                }, HTTPStatus.CONFLICT)
    except (UserError, UserWarning) as exception:
        transaction.rollback()
        error = PayloadError(422, 'invalid_dossier')
        response = json_response({
                'code': 'invalid_dossier',
                'message': exception.message,
                'field': None,
                }, HTTPStatus.UNPROCESSABLE_ENTITY)
    with without_check_access():
        Call.create([{
                    'platform': platform.id if platform else None,
                    'key': key.id if key else None,
                    'method': request.method,
                    'route': name,
                    'path': loggable_path(request.path),
                    'status': response.status_code,
                    'error': error.code if error else None,
                    'items': items,
                    'duration': int((time.monotonic() - start) * 1000),
                    'date': utcnow(),
                    }])
    return response
