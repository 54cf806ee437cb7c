# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""What an external platform may send, free of any database access.

A dossier of the external platform is a JSON object (docs/integration.md):
its legal code, the codes of its procedure, agency and counter, its channel,
how the result is returned and the times of its steps.  parse_dossier()
turns it into a DossierInput or raises PayloadError naming the field;
steps() and conflicts() are the rules of an upsert over a dossier already
mirrored.
"""
import datetime as dt
import re
from dataclasses import dataclass

from trytond.modules.one_stop.localtime import to_utc

MAX_BULK = 1000
CODE = re.compile(r'[0-9A-Za-z][0-9A-Za-z._-]{0,63}')
REF = re.compile(r'[0-9A-Za-z][0-9A-Za-z._-]{0,63}')
CHANNELS = ('counter', 'online', 'postal')
RETURN_METHODS = ('counter', 'postal')
# the states an external platform may send, and the rank of every state of
# the host: a dossier never goes down
STATES = ('received', 'processing', 'ready', 'returned', 'rejected',
    'withdrawn')
RANK = {
    'received': 0, 'supplement_requested': 0, 'processing': 1, 'ready': 2,
    'returned': 3, 'rejected': 3, 'withdrawn': 3,
    }
FINAL = {'returned', 'rejected', 'withdrawn'}
FIELDS = {
    'code', 'procedure', 'agency', 'counter', 'channel', 'return_method',
    'received', 'appointment', 'ready', 'returned', 'state', 'reason',
    'returned_by',
    }
CLERK_FIELDS = {'id', 'name'}
# the buttons of the host, in the order an upsert calls them
BUTTONS = ('receive_supplement', 'process', 'mark_ready', 'return_result',
    'reject', 'withdraw')


class PayloadError(Exception):
    """A refused request: status, code (of the message), field (a JSON
    path, or None) and the parameters of the message"""

    def __init__(self, status, code, field=None, **params):
        super().__init__(status, code, field, params)
        self.status = status
        self.code = code
        self.field = field
        self.params = params


@dataclass(frozen=True)
class DossierInput:
    code: str
    procedure: str
    agency: str
    counter: str = None
    channel: str = 'counter'
    return_method: str = 'counter'
    received: dt.datetime = None  # naive UTC, as every time here
    appointment: dt.date = None
    ready: dt.datetime = None
    returned: dt.datetime = None
    state: str = 'received'
    reason: str = None
    clerk_id: str = None
    clerk_name: str = None


def _path(prefix, name):
    return f'{prefix}.{name}' if prefix else name


def parse_datetime(value, timezone, field):
    """Return the naive UTC datetime of an ISO 8601 string (with an offset,
    or local time of the agencies without one), to the second"""
    if not isinstance(value, str) or not 10 < len(value) <= 40:
        raise PayloadError(400, 'invalid_datetime', field)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise PayloadError(400, 'invalid_datetime', field) from None
    if not 2000 <= moment.year <= 2100:
        raise PayloadError(400, 'invalid_datetime', field)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    else:
        moment = to_utc(moment, timezone)
    return moment.replace(microsecond=0)


def parse_date(value, field):
    if not isinstance(value, str) or len(value) != 10:
        raise PayloadError(400, 'invalid_date', field)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise PayloadError(400, 'invalid_date', field) from None
    if not 2000 <= day.year <= 2100:
        raise PayloadError(400, 'invalid_date', field)
    return day


def _text(data, name, prefix, pattern=None, required=False, size=64):
    value = data.get(name)
    field = _path(prefix, name)
    if value is None:
        if required:
            raise PayloadError(400, 'required', field)
        return None
    if not isinstance(value, str):
        raise PayloadError(400, 'invalid_type', field, expected='string')
    value = value.strip()
    if not value and required:
        raise PayloadError(400, 'required', field)
    if len(value) > size or '\x00' in value:
        raise PayloadError(400, 'invalid_value', field)
    if pattern and not pattern.fullmatch(value):
        raise PayloadError(400, 'invalid_code', field)
    return value or None


def _choice(data, name, prefix, choices, default):
    value = data.get(name, default)
    if value is None:
        value = default
    if value not in choices or not isinstance(value, str):
        raise PayloadError(
            400, 'invalid_choice', _path(prefix, name),
            choices=', '.join(choices))
    return value


def parse_dossier(data, timezone, prefix='', code=None):
    """Return the DossierInput of data (a decoded JSON value) or raise
    PayloadError; code: the legal code of the URL, which the body may
    repeat but not contradict"""
    if not isinstance(data, dict):
        raise PayloadError(400, 'invalid_type', prefix or None,
            expected='object')
    for name in data:
        if name not in FIELDS:
            raise PayloadError(400, 'unknown_field', _path(prefix, name))
    body_code = _text(data, 'code', prefix, CODE, required=code is None)
    if code is not None:
        if not CODE.fullmatch(code):
            raise PayloadError(400, 'invalid_code', 'code')
        if body_code is not None and body_code != code:
            raise PayloadError(400, 'code_mismatch', _path(prefix, 'code'))
        body_code = code
    channel = _choice(data, 'channel', prefix, CHANNELS, None)
    return_method = _choice(data, 'return_method', prefix, RETURN_METHODS,
        'postal' if channel == 'postal' else 'counter')
    times = {}
    for name in ['received', 'ready', 'returned']:
        if data.get(name) is not None:
            times[name] = parse_datetime(
                data[name], timezone, _path(prefix, name))
    if 'received' not in times:
        raise PayloadError(400, 'required', _path(prefix, 'received'))
    appointment = None
    if data.get('appointment') is not None:
        appointment = parse_date(
            data['appointment'], _path(prefix, 'appointment'))
    state = data.get('state')
    if state is None:
        state = ('returned' if 'returned' in times
            else 'ready' if 'ready' in times else 'received')
    elif state not in STATES or not isinstance(state, str):
        raise PayloadError(400, 'invalid_choice', _path(prefix, 'state'),
            choices=', '.join(STATES))
    # the times of the steps a state has reached, and none of the others
    needs = {'ready': ['ready'], 'returned': ['ready', 'returned']}
    for name in needs.get(state, []):
        if name not in times:
            raise PayloadError(400, 'required', _path(prefix, name))
    allowed = set(needs.get(state, [])) | {'received'}
    for name in times:
        if name not in allowed:
            raise PayloadError(400, 'time_without_state', _path(prefix, name),
                state=state)
    order = [times[n] for n in ['received', 'ready', 'returned'] if n in times]
    if order != sorted(order):
        field = 'returned' if 'returned' in times else 'ready'
        raise PayloadError(400, 'times_out_of_order', _path(prefix, field))
    reason = data.get('reason')
    if reason is not None and (not isinstance(reason, str)
            or len(reason) > 1000 or '\x00' in reason):
        raise PayloadError(400, 'invalid_value', _path(prefix, 'reason'))
    reason = (reason or '').strip() or None
    if state in {'rejected', 'withdrawn'} and not reason:
        raise PayloadError(400, 'required', _path(prefix, 'reason'))
    clerk = data.get('returned_by')
    clerk_id = clerk_name = None
    if clerk is not None:
        clerk_prefix = _path(prefix, 'returned_by')
        if not isinstance(clerk, dict):
            raise PayloadError(400, 'invalid_type', clerk_prefix,
                expected='object')
        for name in clerk:
            if name not in CLERK_FIELDS:
                raise PayloadError(
                    400, 'unknown_field', _path(clerk_prefix, name))
        clerk_id = _text(clerk, 'id', clerk_prefix, REF)
        clerk_name = _text(clerk, 'name', clerk_prefix, size=128)
    return DossierInput(
        code=body_code,
        procedure=_text(data, 'procedure', prefix, REF, required=True),
        agency=_text(data, 'agency', prefix, REF, required=True),
        counter=_text(data, 'counter', prefix, REF),
        channel=channel,
        return_method=return_method,
        received=times['received'],
        appointment=appointment,
        ready=times.get('ready'),
        returned=times.get('returned'),
        state=state,
        reason=reason,
        clerk_id=clerk_id,
        clerk_name=clerk_name)


def parse_bulk(data, timezone):
    "Return the DossierInputs of a bulk body {\"dossiers\": [...]}"
    if not isinstance(data, dict):
        raise PayloadError(400, 'invalid_type', None, expected='object')
    for name in data:
        if name != 'dossiers':
            raise PayloadError(400, 'unknown_field', name)
    dossiers = data.get('dossiers')
    if not isinstance(dossiers, list):
        raise PayloadError(400, 'invalid_type', 'dossiers', expected='array')
    if not dossiers:
        raise PayloadError(400, 'required', 'dossiers')
    if len(dossiers) > MAX_BULK:
        raise PayloadError(413, 'too_many_dossiers', 'dossiers',
            limit=MAX_BULK)
    inputs = [parse_dossier(d, timezone, f'dossiers[{i}]')
        for i, d in enumerate(dossiers)]
    seen = set()
    for i, item in enumerate(inputs):
        if item.code in seen:
            raise PayloadError(400, 'duplicate_code', f'dossiers[{i}].code')
        seen.add(item.code)
    return inputs


def steps(current, target, immediate_result):
    """The buttons of the host that move a dossier from current to target,
    in order; raise PayloadError 409 for a move back or out of a final
    state (the host refuses the other impossible moves itself)"""
    if current == target:
        return []
    if current in FINAL or RANK[target] < RANK[current]:
        raise PayloadError(409, 'backwards', 'state',
            current=current, target=target)
    result = []
    state = current
    if state == 'supplement_requested':
        result.append('receive_supplement')
        state = 'received'
    if target in {'rejected', 'withdrawn'}:
        return result + ['reject' if target == 'rejected' else 'withdraw']
    if state == 'received' and not (
            immediate_result and RANK[target] >= RANK['ready']):
        result.append('process')
        state = 'processing'
    if RANK[target] >= RANK['ready'] and RANK[state] < RANK['ready']:
        result.append('mark_ready')
    if target == 'returned':
        result.append('return_result')
    return result


# the values of an upsert that a dossier keeps for ever once mirrored
FIXED = ('agency', 'procedure', 'counter', 'channel', 'return_method',
    'received')


def conflicts(recorded, incoming):
    """The first field of incoming (a DossierInput) that contradicts
    recorded (a DossierInput of what the mirror holds) or None: the fixed
    values, and the time of a step already recorded"""
    for name in FIXED:
        if getattr(recorded, name) != getattr(incoming, name):
            return name
    for name in ['ready', 'returned']:
        old, new = getattr(recorded, name), getattr(incoming, name)
        if old is not None and new is not None and old != new:
            return name
    return None
