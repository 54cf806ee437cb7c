# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The feedback register (one_stop_feedback) over JSON-RPC as real users of
a real trytond server.

Agencies P (parent), A (child of P) and B.  Users: the PAKN handlers of A
and of B, the leader of P, and the clerk of A who received and returned the
dossier the feedback is about (a counter clerk: in neither group).
"""
import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from conftest import RPCError
from survey_world import Direct
from test_rpc_access import unique_agency_code

MODULES = ('one_stop_feedback',)
PHONE = '0912 345 678'
HANOI = ZoneInfo('Asia/Ho_Chi_Minh')


def group_id(admin, name):
    ids = admin.model('res.group').search([('name', '=', name)], 0, None, None)
    assert len(ids) == 1, name
    return ids[0]


@pytest.fixture(scope='module')
def world(trytond_server_factory):
    server = trytond_server_factory(MODULES)
    admin = server.client()
    Agency = admin.model('one_stop.agency')
    p, = Agency.create([{'name': "UBND tỉnh", 'code': unique_agency_code(),
                'kind': 'province_committee'}])
    a, b = Agency.create([
            {'name': "Sở Tư pháp", 'code': unique_agency_code(),
                'parent': p},
            {'name': "Sở Xây dựng", 'code': unique_agency_code()}])
    procedure, = admin.model('one_stop.procedure').create([{
                'code': 'FB.' + unique_agency_code(),
                'name': "Lý lịch tư pháp", 'processing_days': 2}])
    party, = admin.model('party.party').create([{'name': "Lê Thị Hoa"}])
    kind, = admin.model('one_stop.feedback.kind').search(
        [('code', '=', 'lateness')], 0, None, None)
    suffix = unique_agency_code().replace('.', '').lower()
    users = {}
    for key, agency, group in [
            ('handler_a', a, "PAKN Handler"),
            ('handler_b', b, "PAKN Handler"),
            ('leader_p', p, "Agency Leader"),
            ('clerk_a', a, "One-stop Clerk"),
            ]:
        login, password = f'{key}_{suffix}', f'{key}-Secret-{suffix}-26'
        admin.model('res.user').create([{
                    'name': key, 'login': login, 'password': password,
                    'groups': [('add', [group_id(admin, group)])],
                    'one_stop_agency': agency,
                    }])
        users[key] = server.client(login, password)
    # the clerk of A receives and returns a dossier
    Dossier = users['clerk_a'].model('one_stop.dossier')
    dossier, = Dossier.create([{
                'applicant': party, 'procedure': procedure,
                'channel': 'counter'}])
    Dossier.process([dossier])
    Dossier.mark_ready([dossier])
    Dossier.return_result([dossier])
    w = SimpleNamespace(server=server, admin=admin, p=p, a=a, b=b,
        kind=kind, dossier=dossier, **users)
    w.new = lambda client, **values: client.model(
        'one_stop.feedback').create([dict({
                    'kind': kind, 'channel': 'hotline',
                    'content': "Hồ sơ trễ hẹn, không được báo trước",
                    }, **values)])[0]
    w.of_a = w.new(w.handler_a, dossier=dossier, contact_phone=PHONE)
    w.of_b = w.new(w.handler_b)
    return w


def read(client, ids, names):
    return client.model('one_stop.feedback').read(ids, names)


def as_admin(w, feedback, names):
    return read(w.admin, [feedback], names)[0]


def ids_seen(client):
    return set(client.model('one_stop.feedback').search([], 0, None, None))


def test_reception_by_the_handler(world):
    row = as_admin(world, world.of_a,
        ['agency', 'received_agency', 'received_by', 'state', 'code'])
    assert (row['agency'], row['received_agency'], row['state']) == (
        world.a, world.a, 'received')
    assert row['received_by'] == world.handler_a.user_id
    today = dt.datetime.now(HANOI).date()
    assert row['code'].startswith(f'PAKN-{today.year}-')


def test_handler_sees_only_the_cases_of_the_agency(world):
    assert world.of_a in ids_seen(world.handler_a)
    assert world.of_b not in ids_seen(world.handler_a)
    assert ids_seen(world.handler_b) & {world.of_a, world.of_b} == {
        world.of_b}
    for client, other in [(world.handler_a, world.of_b),
            (world.handler_b, world.of_a)]:
        with pytest.raises(RPCError) as info:
            read(client, [other], ['content'])
        assert info.value.kind == 'UserError'
        assert 'not allowed to read' in info.value.message


def test_handler_cannot_change_another_agency_case(world):
    before = as_admin(world, world.of_b, ['content', 'state'])
    with pytest.raises(RPCError) as info:
        world.handler_a.model('one_stop.feedback').write(
            [world.of_b], {'content': "Hacked"})
    assert 'not allowed' in info.value.message
    with pytest.raises(RPCError):
        world.handler_a.model('one_stop.feedback').process([world.of_b])
    assert as_admin(world, world.of_b, ['content', 'state']) == before


def test_handler_cannot_create_for_another_agency(world):
    before = world.admin.model('one_stop.feedback').search_count(
        [('agency', '=', world.b)], 0, None)
    with pytest.raises(RPCError) as info:
        world.new(world.handler_a, agency=world.b)
    assert 'not allowed to create' in info.value.message
    assert world.admin.model('one_stop.feedback').search_count(
        [('agency', '=', world.b)], 0, None) == before


def test_the_clerk_of_the_dossier_does_not_see_the_feedback(world):
    "The clerk who returned the dossier is refused, however asked"
    row, = world.clerk_a.model('one_stop.dossier').read(
        [world.dossier], ['returned_by'])
    assert row['returned_by'] == world.clerk_a.user_id
    Feedback = world.clerk_a.model('one_stop.feedback')
    for call in [
            lambda: Feedback.search([], 0, None, None),
            lambda: Feedback.read([world.of_a], ['content']),
            lambda: Feedback.search_count(
                [('dossier', '=', world.dossier)], 0, None),
            lambda: world.clerk_a.model('one_stop.feedback.event').search(
                [], 0, None, None),
            ]:
        with pytest.raises(RPCError) as info:
            call()
        assert info.value.kind == 'UserError'
        assert 'not allowed to access' in info.value.message


def test_leader_sees_the_children_agencies(world):
    seen = ids_seen(world.leader_p)
    assert world.of_a in seen
    assert world.of_b not in seen
    row, = read(world.leader_p, [world.of_a], ['content', 'state'])
    assert row['state'] == 'received'


def test_contact_phone_for_the_handlers_only(world):
    row, = read(world.handler_a, [world.of_a], ['contact_phone'])
    assert row['contact_phone'] == PHONE
    with pytest.raises(RPCError) as info:
        read(world.leader_p, [world.of_a], ['contact_phone'])
    assert info.value.message == (
        'You are not allowed to access "Feedback and Petition.Contact '
        'Phone".')
    form = world.leader_p.model('one_stop.feedback').fields_view_get(
        None, 'form')
    assert 'contact_phone' not in form['fields']
    assert 'content' in form['fields']


def test_contact_phone_never_exported(world):
    Feedback = world.handler_a.model('one_stop.feedback')
    code = as_admin(world, world.of_a, ['code'])['code']
    assert Feedback.export_data([world.of_a], ['code', 'channel']) == [
        [code, 'hotline']]
    for names in [['code', 'contact_phone'],
            ['events/feedback/contact_phone']]:
        with pytest.raises(RPCError) as info:
            Feedback.export_data([world.of_a], names)
        assert 'never exported' in info.value.message
        with pytest.raises(RPCError):
            Feedback.export_data_domain(
                [('id', '=', world.of_a)], names, 0, None, None)


def test_handler_reads_the_dossier_of_its_case(world):
    "A handler (not a clerk) reads the dossier a feedback is about"
    row, = world.handler_a.model('one_stop.dossier').read(
        [world.dossier], ['code'])
    assert row['code']
    with pytest.raises(RPCError):
        world.handler_b.model('one_stop.dossier').read(
            [world.dossier], ['code'])
    with pytest.raises(RPCError):
        world.handler_a.model('one_stop.dossier').write(
            [world.dossier], {'reason': "Hacked"})


def run_transfer(client, feedback, agency, reason):
    "The transfer wizard over JSON-RPC, as the client runs it"
    context = client.context_for({
            'active_model': 'one_stop.feedback', 'active_id': feedback,
            'active_ids': [feedback]})
    session, _, _ = client.call(
        'wizard.one_stop.feedback.transfer.create', context)
    client.call('wizard.one_stop.feedback.transfer.execute', session, {},
        'start', context)
    client.call('wizard.one_stop.feedback.transfer.execute', session, {
            'start': {'agency': agency, 'reason': reason}},
        'transfer', context)
    client.call('wizard.one_stop.feedback.transfer.delete', session, context)


def test_transfer_then_answer_and_close(world):
    """A transfers to B with the wizard: B takes it over, A reads it but
    can act on it no more; B answers and closes; the phone is erased"""
    feedback = world.new(world.handler_a, contact_phone=PHONE,
        content="Phản ánh về cấp phép xây dựng")
    run_transfer(world.handler_a, feedback, world.b,
        "Thuộc thẩm quyền của Sở Xây dựng")
    row = as_admin(world, feedback,
        ['agency', 'received_agency', 'state', 'transfer_late'])
    assert (row['agency'], row['received_agency'], row['state'],
        bool(row['transfer_late'])) == (world.b, world.a, 'transferred', False)
    # A reads it (what it transferred) but does not act on it any more
    assert read(world.handler_a, [feedback], ['state'])[0]['state'] == (
        'transferred')
    with pytest.raises(RPCError) as info:
        world.handler_a.model('one_stop.feedback').process([feedback])
    assert 'not allowed to write' in info.value.message
    with pytest.raises(RPCError):
        run_transfer(world.handler_a, feedback, world.p, "Again")
    assert as_admin(world, feedback, ['agency', 'state']) == {
        'id': feedback, 'agency': world.b, 'state': 'transferred'}
    # B handles it
    Feedback = world.handler_b.model('one_stop.feedback')
    assert Feedback.read([feedback], ['contact_phone'])[0][
        'contact_phone'] == PHONE
    Feedback.process([feedback])
    with pytest.raises(RPCError) as info:
        Feedback.answer([feedback])
    assert 'Enter the answer' in info.value.message
    Feedback.write([feedback], {'answer_text': "Đã cấp phép"})
    Feedback.answer([feedback])
    Feedback.write([feedback], {'rating': '4'})
    Feedback.close([feedback])
    row = as_admin(world, feedback, ['state', 'contact_phone', 'timeliness',
            'answered_by', 'rating', 'answer_text'])
    assert row == {'id': feedback, 'state': 'closed', 'contact_phone': None,
        'timeliness': 'on_time', 'answered_by': world.handler_b.user_id,
        'rating': '4', 'answer_text': "Đã cấp phép"}
    events = world.admin.model('one_stop.feedback.event').search_read(
        [('feedback', '=', feedback)], 0, None, None,
        ['from_state', 'to_state', 'from_agency', 'to_agency'])
    assert [(e['from_state'], e['to_state']) for e in events] == [
        (None, 'received'), ('received', 'transferred'),
        ('transferred', 'processing'), ('processing', 'answered'),
        ('answered', 'closed')]
    assert (events[1]['from_agency'], events[1]['to_agency']) == (
        world.a, world.b)


def test_the_client_cannot_set_the_clock(world):
    "_feedback_now of a client's context is dropped by the server"
    feedback = world.handler_a.model('one_stop.feedback').create([{
                'kind': world.kind, 'content': "Thử đồng hồ"}],
        context={'_feedback_now': dt.datetime(2020, 1, 1)})[0]
    received = as_admin(world, feedback, ['received_date'])['received_date']
    assert received > dt.datetime(2024, 1, 1)


def test_system_fields_refused_over_rpc(world):
    Feedback = world.handler_a.model('one_stop.feedback')
    feedback = world.new(world.handler_a)
    before = as_admin(world, feedback, ['deadline_date', 'state'])
    for values in [{'deadline_date': dt.date(2099, 1, 1)},
            {'state': 'closed'}, {'timeliness': 'on_time'}]:
        with pytest.raises(RPCError) as info:
            Feedback.write([feedback], values)
        assert 'set by the system' in info.value.message
    assert as_admin(world, feedback, ['deadline_date', 'state']) == before


def test_reminders_reach_the_handlers(world):
    """The reminder cron, run with a fixed clock on the day of the
    deadline, notifies the handlers of the agency, and them only"""
    feedback = world.new(world.handler_a, content="Nhắc hạn")
    deadline = as_admin(world, feedback, ['deadline_date'])['deadline_date']
    code = as_admin(world, feedback, ['code'])['code']
    # 08:00 in Hanoi on the deadline
    now = dt.datetime.combine(deadline, dt.time(1, 0))

    def remind(pool):
        from trytond.transaction import Transaction
        Feedback = pool.get('one_stop.feedback')
        with Transaction().set_context(_feedback_now=now):
            return [f.id for f in Feedback.send_reminders()]

    assert feedback in Direct(world.server).run(remind)
    expected = f'Feedback {code} is due on {deadline:%d/%m/%Y}'

    def labels(client):
        return [n['label'] for n in client.call(
                'model.res.notification.get', 100, client.context_for())]

    assert expected in labels(world.handler_a)
    for other in [world.handler_b, world.leader_p, world.clerk_a]:
        assert expected not in labels(other)
    assert as_admin(world, feedback, ['reminded_date'])['reminded_date']
