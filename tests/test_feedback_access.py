# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The access matrix of the feedback register (one_stop_feedback): every
group × model × operation, over JSON-RPC as real users of a real trytond
server, in the spirit of test_access_matrix.py (which covers the modules of
the survey).

The expected outcome of each cell is written below, literally, in MATRIX and
FIELD_MATRIX: it is NOT read from ir.model.access.  Each cell does the
operation on a real record of the agency of every user: read of a plain
field, write of a harmless field, create of complete valid values, delete
of a throwaway record made for that very cell.  An allowed cell must
succeed; a refused one must fail with an access error (ACCESS_MESSAGES),
never a validation error.
"""
import itertools
import re
from types import SimpleNamespace

import pytest
from conftest import RPCError
from test_rpc_access import unique_agency_code

MODULES = ('one_stop_feedback',)

# 'admin' is trytond's admin: in One-stop Administrator, PAKN Handler and
# Agency Leader.  One-stop Administrator < Supervisor < Clerk.
USERS = {
    'nobody': None,
    'clerk': "One-stop Clerk",
    'supervisor': "One-stop Supervisor",
    'os_admin': "One-stop Administrator",
    'handler': "PAKN Handler",
    'leader': "Agency Leader",
    'admin': None,
    }
OPERATIONS = {'r': 'read', 'w': 'write', 'c': 'create', 'd': 'delete'}
MATRIX = {
    # The register: the handlers and leaders of the agency; the one-stop
    # administrator oversees it; the counter staff see nothing of it (the
    # feedback may be about them); never deleted, by anyone
    'one_stop.feedback': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': 'r',
        'handler': 'rwc', 'leader': 'rwc', 'admin': 'rwc'},
    # Its history: read with the feedback, written by the system only
    'one_stop.feedback.event': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': 'r',
        'handler': 'r', 'leader': 'r', 'admin': 'r'},
    'one_stop.feedback.kind': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'rwcd',
        'handler': 'r', 'leader': 'r', 'admin': 'rwcd'},
    'one_stop.feedback.configuration': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'rwcd',
        'handler': 'r', 'leader': 'r', 'admin': 'rwcd'},
    # The handlers and leaders read the dossiers (of their agency here)
    'one_stop.dossier': {
        'nobody': '-', 'clerk': 'rwc', 'supervisor': 'rwc', 'os_admin': 'rwc',
        'handler': 'r', 'leader': 'r', 'admin': 'rwc'},
    }
_HANDLERS = {'handler': 'rw', 'admin': 'rw'}
# Fields (dotted: through the relation) each user may read (r) or write (w);
# users not named may not.
FIELD_MATRIX = {
    ('one_stop.feedback', 'contact_phone'): _HANDLERS,
    ('one_stop.feedback.event', 'feedback.contact_phone'): {
        'handler': 'r', 'admin': 'r'},
    }
ACCESS_MESSAGES = [re.compile(p) for p in [
    r'^You are not allowed to access "[^"]+"\.$',
    r'^You are not allowed to access "[^"]+\.[^"]+"\.$',
    r'^You are not allowed to (read|write to|delete) records "[^"]*" of ',
    r'^You are not allowed to create records of "[^"]+" because ',
    r'^Dossier "[^"]+" cannot be deleted: dossiers are kept in the '
    r'register',
    r'^Feedback "[^"]+" cannot be deleted: the register keeps every '
    r'feedback',
    r'^The history of a feedback cannot be changed or deleted\.$',
    ]]
SINGLETONS = {'one_stop.feedback.configuration'}
SYSTEM_MADE = {'one_stop.feedback.event'}
READS = {
    'one_stop.feedback': 'content',
    'one_stop.feedback.event': 'note',
    'one_stop.feedback.kind': 'name',
    'one_stop.feedback.configuration': 'reminder_days',
    'one_stop.dossier': 'reason',
    }
SEQUENCE = itertools.count(1)


def values_of(w, model):
    n = next(SEQUENCE)
    return {
        'one_stop.feedback': lambda: {
            'agency': w.agency, 'kind': w.kind, 'channel': 'letter',
            'content': f"Phản ánh {n}", 'petitioner': "Trần Văn Bình"},
        'one_stop.feedback.event': lambda: {
            'feedback': w.records['one_stop.feedback'],
            'date': w.now, 'to_state': 'closed', 'note': "Forged"},
        'one_stop.feedback.kind': lambda: {
            'code': f'am{w.suffix}{n}', 'name': f"Subject {n}",
            'handling_days': 10},
        'one_stop.feedback.configuration': lambda: {'reminder_days': 2},
        'one_stop.dossier': lambda: {
            'applicant': w.party, 'procedure': w.procedure,
            'agency': w.agency, 'channel': 'counter'},
        }[model]()


def writes(model):
    return {
        'one_stop.feedback': {'content': "Nội dung đã sửa"},
        'one_stop.feedback.event': {'note': "Rewritten"},
        'one_stop.feedback.kind': {'name': "Chủ đề"},
        'one_stop.feedback.configuration': {'reminder_days': 2},
        'one_stop.dossier': {'reason': "Thiếu giấy tờ"},
        }[model]


def group_id(admin, name):
    ids = admin.model('res.group').search([('name', '=', name)], 0, None, None)
    assert len(ids) == 1, name
    return ids[0]


@pytest.fixture(scope='module')
def world(trytond_server_factory):
    server = trytond_server_factory(MODULES)
    admin = server.client()
    w = SimpleNamespace(admin=admin, records={}, spare={})
    w.suffix = unique_agency_code().replace('.', '').lower()
    w.agency, = admin.model('one_stop.agency').create([{
                'name': "Sở Tư pháp", 'code': unique_agency_code()}])
    w.procedure, = admin.model('one_stop.procedure').create([{
                'code': 'AM.' + unique_agency_code(), 'name': "Thủ tục",
                'processing_days': 2}])
    w.party, = admin.model('party.party').create([{'name': "Lê Thị Hoa"}])
    w.kind, = admin.model('one_stop.feedback.kind').search(
        [('code', '=', 'other')], 0, None, None)
    w.now = admin.model('one_stop.feedback').read(
        admin.model('one_stop.feedback').create(
            [values_of(w, 'one_stop.feedback')]), ['received_date'])[0][
        'received_date']
    count = len(USERS)
    for name in MATRIX:
        if name in SYSTEM_MADE:
            continue
        if name in SINGLETONS:
            admin.model(name).write([1], values_of(w, name))
            w.records[name] = 1
            w.spare[name] = dict.fromkeys(USERS, 1)
            continue
        ids = admin.model(name).create(
            [values_of(w, name) for _ in range(count + 1)])
        w.records[name] = ids[0]
        w.spare[name] = dict(zip(USERS, ids[1:]))
    events = admin.model('one_stop.feedback.event').search(
        [('feedback', 'in', [w.records['one_stop.feedback']]
                + list(w.spare['one_stop.feedback'].values()))],
        0, None, [('id', 'ASC')])
    w.records['one_stop.feedback.event'] = events[0]
    w.spare['one_stop.feedback.event'] = dict(zip(USERS, events[1:]))
    admin.model('one_stop.feedback').write(
        [w.records['one_stop.feedback']], {'contact_phone': '0912 345 678'})

    w.clients = {'admin': admin}
    for who, group in USERS.items():
        if who == 'admin':
            continue
        login = f'fa_{who}_{w.suffix}'
        password = f'{who}-Matrix-{w.suffix}-2026'
        values = {'name': who, 'login': login, 'password': password,
            'one_stop_agency': w.agency}
        if group:
            values['groups'] = [('add', [group_id(admin, group)])]
        admin.model('res.user').create([values])
        w.clients[who] = server.client(login, password)
    return w


def assert_access_error(error):
    assert error.kind == 'UserError', error.error
    assert any(p.search(error.message or '') for p in ACCESS_MESSAGES), (
        f"not an access error: {error.message!r}")


def attempt(w, model, who, operation):
    proxy = w.clients[who].model(model)
    record = w.records[model]
    if operation == 'read':
        rows = proxy.read([record], [READS[model]])
        assert [r['id'] for r in rows] == [record]
    elif operation == 'write':
        proxy.write([record], writes(model))
    elif operation == 'create':
        ids = proxy.create([values_of(w, model)])
        assert len(ids) == 1 and isinstance(ids[0], int)
    elif operation == 'delete':
        record = w.spare[model][who]
        proxy.delete([record])
        if model in SINGLETONS:
            w.admin.model(model).write([1], values_of(w, model))
        else:
            assert not w.admin.model(model).search(
                [('id', '=', record)], 0, None, None)


CELLS = [
    pytest.param(model, who, operation, id=f'{model}-{who}-{operation}')
    for model in MATRIX
    for who in USERS
    for operation in OPERATIONS.values()]


def test_matrix_is_complete():
    for model, row in MATRIX.items():
        assert set(row) == set(USERS), model
        for letters in row.values():
            assert set(letters) <= set(OPERATIONS) | {'-'}, model
    assert set(READS) == set(MATRIX)


@pytest.mark.parametrize('model, who, operation', CELLS)
def test_access(world, model, who, operation):
    if operation[0] in MATRIX[model][who]:
        attempt(world, model, who, operation)
    else:
        with pytest.raises(RPCError) as info:
            attempt(world, model, who, operation)
        assert_access_error(info.value)


FIELD_CELLS = [
    pytest.param(model, field, who, operation,
        id=f'{model}.{field}-{who}-{operation}')
    for (model, field), row in FIELD_MATRIX.items()
    for who in USERS
    for operation in (['read', 'write']
        if any('w' in v for v in row.values()) else ['read'])]


@pytest.mark.parametrize('model, field, who, operation', FIELD_CELLS)
def test_field_access(world, model, field, who, operation):
    proxy = world.clients[who].model(model)
    record = world.records[model]
    allowed = operation[0] in FIELD_MATRIX[model, field].get(who, '')

    def do():
        if operation == 'read':
            row, = proxy.read([record], [field])
            assert field.split('.')[0] + ('.' if '.' in field else '') in row
            return
        value = world.admin.model(model).read([record], [field])[0][field]
        proxy.write([record], {field: value})

    if allowed:
        do()
    else:
        with pytest.raises(RPCError) as info:
            do()
        assert_access_error(info.value)


def test_handler_reads_the_phone_through_the_history(world):
    Event = world.clients['handler'].model('one_stop.feedback.event')
    row, = Event.read([world.records['one_stop.feedback.event']],
        ['feedback.contact_phone'])
    assert row['feedback.']['contact_phone'] == '0912 345 678'
