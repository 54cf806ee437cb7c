# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Access to dossiers by real users over JSON-RPC on a real trytond server.

Agencies: A (alone), P (parent) and B (child of P).  Users: a clerk of A, a
clerk of A who speaks Vietnamese, a clerk of B and a supervisor of P.
"""
import datetime as dt
import os
import random
import string
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from conftest import RPCError

VI_PO = os.path.join(
    os.path.dirname(__file__), os.pardir, 'addons', 'one_stop', 'locale',
    'vi.po')
DOSSIER_FIELDS = ['code', 'agency', 'state', 'reason', 'received_by']


def unique_agency_code():
    "A QCVN 102 code unlikely to be used by another test of the session"
    alphabet = string.ascii_uppercase + string.digits
    return '.'.join(
        ['Z' + ''.join(random.choices(alphabet, k=2)) for _ in range(3)])


def group_id(admin, name):
    ids = admin.model('res.group').search([('name', '=', name)], 0, None, None)
    assert len(ids) == 1, name
    return ids[0]


def count(client, model, domain=None):
    return client.model(model).search_count(domain or [], 0, None)


@pytest.fixture(scope='module')
def world(trytond_server):
    admin = trytond_server.client()
    Agency = admin.model('one_stop.agency')
    p_id, = Agency.create([{
                'name': "Parent P", 'code': unique_agency_code(),
                'kind': 'province_committee'}])
    a_id, b_id = Agency.create([{
                'name': "Agency A", 'code': unique_agency_code(),
                'kind': 'department',
                }, {
                'name': "Agency B", 'code': unique_agency_code(),
                'kind': 'department', 'parent': p_id,
                }])
    procedure_id, = admin.model('one_stop.procedure').create([{
                'code': 'RPC.' + unique_agency_code(),
                'name': "Business registration", 'level': 'province',
                'processing_days': 3}])
    party_id, = admin.model('party.party').create([{'name': "Nguyễn Văn An"}])
    clerk_group = group_id(admin, "One-stop Clerk")
    supervisor_group = group_id(admin, "One-stop Supervisor")
    vi_ids = admin.model('ir.lang').search(
        [('code', '=', 'vi')], 0, None, None)
    assert len(vi_ids) == 1

    suffix = unique_agency_code().replace('.', '').lower()
    users = {}
    for key, agency, group, language in [
            ('clerk_a', a_id, clerk_group, None),
            ('clerk_a_vi', a_id, clerk_group, vi_ids[0]),
            ('clerk_b', b_id, clerk_group, None),
            ('supervisor_p', p_id, supervisor_group, None),
            ]:
        login = f'{key}_{suffix}'
        password = f'{key}-Pass-{suffix}-2025'
        values = {
            'name': key, 'login': login, 'password': password,
            'groups': [('add', [group])], 'one_stop_agency': agency,
            }
        if language:
            values['language'] = language
        admin.model('res.user').create([values])
        users[key] = trytond_server.client(login, password)

    Dossier = admin.model('one_stop.dossier')

    def new_dossier(agency):
        return Dossier.create([{
                    'applicant': party_id, 'procedure': procedure_id,
                    'agency': agency, 'channel': 'counter'}])[0]

    dossiers = {
        'a': [new_dossier(a_id), new_dossier(a_id)],
        'b': [new_dossier(b_id)],
        'p': [new_dossier(p_id)],
        }
    # a dossier of A received by its clerk
    dossiers['a'].append(users['clerk_a'].model('one_stop.dossier').create(
            [{'applicant': party_id, 'procedure': procedure_id,
                    'agency': a_id, 'channel': 'counter'}])[0])
    return SimpleNamespace(
        server=trytond_server, admin=admin, a=a_id, b=b_id, p=p_id,
        procedure=procedure_id, party=party_id, dossiers=dossiers, **users)


def read_as_admin(world, dossier_id):
    row, = world.admin.model('one_stop.dossier').read(
        [dossier_id], DOSSIER_FIELDS)
    return row


def test_clerk_created_dossier(world):
    dossier = read_as_admin(world, world.dossiers['a'][-1])
    assert dossier['agency'] == world.a
    assert dossier['received_by'] == world.clerk_a.user_id
    assert dossier['state'] == 'received'


def test_clerk_sees_only_own_agency(world):
    Dossier = world.clerk_a.model('one_stop.dossier')
    rows = Dossier.search_read([], 0, None, None, ['agency'])
    expected = set(world.admin.model('one_stop.dossier').search(
            [('agency', '=', world.a)], 0, None, None))
    assert {r['id'] for r in rows} == expected
    assert set(world.dossiers['a']) <= expected
    assert {r['agency'] for r in rows} == {world.a}
    assert Dossier.search_count([('agency', '=', world.b)], 0, None) == 0

    rows = world.clerk_b.model('one_stop.dossier').search_read(
        [], 0, None, None, ['agency'])
    assert {r['agency'] for r in rows} == {world.b}
    assert {r['id'] for r in rows} == set(world.dossiers['b'])


def test_clerk_cannot_read_other_agency(world):
    dossier_id, = world.dossiers['b']
    with pytest.raises(RPCError) as info:
        world.clerk_a.model('one_stop.dossier').read(
            [dossier_id], ['code', 'state'])
    assert info.value.kind == 'UserError'
    assert 'not allowed to read' in info.value.message
    assert str(dossier_id) in info.value.message


def test_clerk_cannot_write_other_agency(world):
    dossier_id, = world.dossiers['b']
    before = read_as_admin(world, dossier_id)
    with pytest.raises(RPCError) as info:
        world.clerk_a.model('one_stop.dossier').write(
            [dossier_id], {'reason': "Hacked", 'return_method': 'postal'})
    assert info.value.kind == 'UserError'
    assert 'not allowed to write' in info.value.message
    assert read_as_admin(world, dossier_id) == before
    row, = world.admin.model('one_stop.dossier').read(
        [dossier_id], ['return_method', 'reason'])
    assert row['return_method'] == 'counter'
    assert row['reason'] is None


def test_clerk_cannot_move_other_agency_dossier(world):
    dossier_id, = world.dossiers['b']
    events = count(world.admin, 'one_stop.dossier.event',
        [('dossier', '=', dossier_id)])
    with pytest.raises(RPCError) as info:
        world.clerk_a.model('one_stop.dossier').process([dossier_id])
    assert info.value.kind == 'UserError'
    assert read_as_admin(world, dossier_id)['state'] == 'received'
    assert count(world.admin, 'one_stop.dossier.event',
        [('dossier', '=', dossier_id)]) == events


def test_clerk_cannot_create_for_other_agency(world):
    before = count(world.admin, 'one_stop.dossier')
    before_b = count(world.admin, 'one_stop.dossier',
        [('agency', '=', world.b)])
    events = count(world.admin, 'one_stop.dossier.event')
    with pytest.raises(RPCError) as info:
        world.clerk_a.model('one_stop.dossier').create([{
                    'applicant': world.party, 'procedure': world.procedure,
                    'agency': world.b, 'channel': 'counter'}])
    assert info.value.kind == 'UserError'
    assert 'not allowed to create' in info.value.message
    assert count(world.admin, 'one_stop.dossier') == before
    assert count(world.admin, 'one_stop.dossier',
        [('agency', '=', world.b)]) == before_b
    assert count(world.admin, 'one_stop.dossier.event') == events


def test_refused_creation_does_not_consume_a_number(world):
    """A refused creation changes nothing, not even the daily sequence:
    the next dossier of B follows the last one without a gap."""
    codes = [read_as_admin(world, i)['code'] for i in world.dossiers['b']]
    day = codes[-1].split('-')[-2]
    last = max(int(c.split('-')[-1]) for c in codes if c.split('-')[-2] == day)
    with pytest.raises(RPCError):
        world.clerk_a.model('one_stop.dossier').create([{
                    'applicant': world.party, 'procedure': world.procedure,
                    'agency': world.b, 'channel': 'counter'}])
    dossier_id = world.clerk_b.model('one_stop.dossier').create([{
                'applicant': world.party, 'procedure': world.procedure,
                'agency': world.b, 'channel': 'counter'}])[0]
    world.dossiers['b'].append(dossier_id)
    code = read_as_admin(world, dossier_id)['code']
    if code.split('-')[-2] == day:  # not created past local midnight
        assert int(code.split('-')[-1]) == last + 1, code


def test_supervisor_sees_parent_and_children(world):
    rows = world.supervisor_p.model('one_stop.dossier').search_read(
        [], 0, None, None, ['agency'])
    assert {r['agency'] for r in rows} == {world.p, world.b}
    ids = {r['id'] for r in rows}
    assert set(world.dossiers['p']) | set(world.dossiers['b']) <= ids
    assert not ids & set(world.dossiers['a'])
    with pytest.raises(RPCError) as info:
        world.supervisor_p.model('one_stop.dossier').read(
            [world.dossiers['a'][0]], ['code'])
    assert info.value.kind == 'UserError'
    # a child's dossier can be read one by one too
    row, = world.supervisor_p.model('one_stop.dossier').read(
        [world.dossiers['b'][0]], ['agency'])
    assert row['agency'] == world.b


def test_clerk_of_child_does_not_see_parent(world):
    ids = world.clerk_b.model('one_stop.dossier').search(
        [], 0, None, None)
    assert not set(ids) & set(world.dossiers['p'])


@pytest.mark.parametrize('model, values', [
        ('one_stop.agency', {'name': "Rogue", 'code': 'ZZ9.ZZ9',
                'kind': 'other'}),
        ('one_stop.procedure', {'name': "Rogue", 'code': 'ROGUE.1',
                'level': 'province', 'processing_days': 1}),
        ('one_stop.holiday', {'name': "Rogue", 'date': None,
                'kind': 'holiday'}),
        ])
def test_clerk_cannot_create_configuration(world, model, values):
    import datetime as dt
    values = dict(values)
    if 'date' in values:
        values['date'] = dt.date(2099, 1, 1)
    before = count(world.admin, model)
    for client in [world.clerk_a, world.supervisor_p]:
        with pytest.raises(RPCError) as info:
            client.model(model).create([values])
        assert info.value.kind == 'UserError'
        assert 'not allowed to access' in info.value.message
    assert count(world.admin, model) == before


def test_clerk_cannot_write_agency(world):
    with pytest.raises(RPCError):
        world.clerk_a.model('one_stop.agency').write(
            [world.a], {'name': "Renamed"})
    row, = world.admin.model('one_stop.agency').read([world.a], ['name'])
    assert row['name'] == "Agency A"


@pytest.mark.parametrize('who', ['admin', 'clerk_a', 'supervisor_p'])
def test_nobody_deletes_a_dossier(world, who):
    client = getattr(world, who)
    dossier_id = world.dossiers['a'][0] if who != 'supervisor_p' \
        else world.dossiers['b'][0]
    code = read_as_admin(world, dossier_id)['code']
    before = count(world.admin, 'one_stop.dossier')
    events = count(world.admin, 'one_stop.dossier.event')
    with pytest.raises(RPCError) as info:
        client.model('one_stop.dossier').delete([dossier_id])
    assert info.value.kind == 'UserError'
    if who == 'admin':
        # the module's own message, naming the dossier
        assert code in info.value.message
        assert 'cannot be deleted' in info.value.message
    else:
        assert ('cannot be deleted' in info.value.message
            or 'not allowed' in info.value.message)
    assert count(world.admin, 'one_stop.dossier') == before
    assert count(world.admin, 'one_stop.dossier.event') == events
    assert read_as_admin(world, dossier_id)['code'] == code


def test_invalid_transition_refused_server_side(world):
    "return_result on a received dossier, called directly over RPC"
    dossier_id = world.dossiers['a'][1]
    before = read_as_admin(world, dossier_id)
    assert before['state'] == 'received'
    events = count(world.admin, 'one_stop.dossier.event',
        [('dossier', '=', dossier_id)])
    with pytest.raises(RPCError) as info:
        world.clerk_a.model('one_stop.dossier').return_result([dossier_id])
    assert info.value.kind == 'UserError'
    assert before['code'] in info.value.message
    assert read_as_admin(world, dossier_id) == before
    row, = world.admin.model('one_stop.dossier').read(
        [dossier_id], ['returned_date', 'returned_by'])
    assert row['returned_date'] is None and row['returned_by'] is None
    assert count(world.admin, 'one_stop.dossier.event',
        [('dossier', '=', dossier_id)]) == events


def test_reason_required_english(world):
    dossier_id = world.dossiers['a'][1]
    code = read_as_admin(world, dossier_id)['code']
    with pytest.raises(RPCError) as info:
        world.clerk_a.model('one_stop.dossier').reject([dossier_id])
    assert info.value.message == (
        f'Enter the reason in dossier "{code}" before this step.')
    assert read_as_admin(world, dossier_id)['state'] == 'received'


def _vietnamese_message(world):
    dossier_id = world.dossiers['a'][1]
    code = read_as_admin(world, dossier_id)['code']
    assert world.clerk_a_vi.context['language'] == 'vi'
    with pytest.raises(RPCError) as info:
        world.clerk_a_vi.model('one_stop.dossier').reject([dossier_id])
    assert read_as_admin(world, dossier_id)['state'] == 'received'
    return code, info.value.message


def test_error_in_vietnamese_keeps_code(world):
    "Even untranslated, the Vietnamese user's error names the dossier"
    code, message = _vietnamese_message(world)
    assert code in message


@pytest.mark.xfail(
    not os.path.exists(VI_PO),
    reason="addons/one_stop/locale/vi.po is not written yet", strict=False)
def test_error_translated_to_vietnamese(world):
    code, message = _vietnamese_message(world)
    english = f'Enter the reason in dossier "{code}" before this step.'
    assert message != english
    assert code in message
    # Vietnamese text has letters outside ASCII (ý, ồ, ơ, ...)
    assert any(ord(c) > 127 for c in message.replace(code, ''))


def test_clerk_reception_takes_defaults_of_the_user(world):
    """Without agency nor date, the clerk's agency and today are used, and
    the appointment is computed from them"""
    Dossier = world.clerk_a.model('one_stop.dossier')
    procedure, = world.admin.model('one_stop.procedure').read(
        [world.procedure], ['processing_days'])
    dossier_id, = Dossier.create([{
                'applicant': world.party, 'procedure': world.procedure}])
    row, = Dossier.read(
        [dossier_id], ['agency', 'appointment_date', 'code', 'received_date'])
    assert row['agency'] == world.a
    # Independently: the n-th Monday-to-Friday day after the local day of
    # receipt (this test database has no holidays)
    received = row['received_date'].replace(tzinfo=dt.UTC)
    day = received.astimezone(ZoneInfo('Asia/Ho_Chi_Minh')).date()
    left = procedure['processing_days']
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    assert row['appointment_date'] == day
    assert row['code'].startswith(
        world.admin.model('one_stop.agency').read(
            [world.a], ['code'])[0]['code'] + '-')


def test_agency_and_date_of_a_received_dossier_are_fixed(world):
    dossier_id = world.dossiers['a'][0]
    before = read_as_admin(world, dossier_id)
    for values in [{'agency': world.b}, {'received_date': None}]:
        with pytest.raises(RPCError) as info:
            world.admin.model('one_stop.dossier').write([dossier_id], values)
        assert 'code' in info.value.message
    assert read_as_admin(world, dossier_id) == before
