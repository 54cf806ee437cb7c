# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Dates, applicants and the supervisor's views over JSON-RPC on a real
trytond server, as the clerks and supervisors call them.

Agencies: a province P and its ward W, and another agency O.  Users: a clerk
of W (Vietnamese), a clerk of O and a supervisor of P."""
import datetime as dt
from types import SimpleNamespace

import pytest
from conftest import RPCError
from test_rpc_access import group_id, unique_agency_code


@pytest.fixture(scope='module')
def world(server, admin):
    Agency = admin.model('one_stop.agency')
    province, = Agency.create([{
                'name': "UBND tỉnh Hưng Yên", 'code': unique_agency_code(),
                'kind': 'province_committee'}])
    ward, other = Agency.create([{
                'name': "UBND phường Hòa Bình", 'code': unique_agency_code(),
                'kind': 'commune_committee', 'parent': province,
                'start_date': dt.date(2025, 7, 1),
                }, {
                'name': "Sở Tư pháp", 'code': unique_agency_code(),
                'kind': 'department',
                }])
    Procedure = admin.model('one_stop.procedure')
    birth, spot = Procedure.create([{
                'code': 'DAT.' + unique_agency_code(),
                'name': "Đăng ký khai sinh", 'processing_days': 3,
                }, {
                'code': 'DAT.' + unique_agency_code(),
                'name': "Chứng thực bản sao", 'immediate_result': True,
                }])
    vi, = admin.model('ir.lang').search([('code', '=', 'vi')], 0, None, None)
    suffix = unique_agency_code().replace('.', '').lower()
    users = {}
    for key, agency, group, language in [
            ('clerk', ward, "One-stop Clerk", vi),
            ('other_clerk', other, "One-stop Clerk", None),
            ('supervisor', province, "One-stop Supervisor", None),
            ]:
        login, password = f'{key}_{suffix}', f'{key}-Pass-{suffix}-2025'
        values = {
            'name': key, 'login': login, 'password': password,
            'groups': [('add', [group_id(admin, group)])],
            'one_stop_agency': agency}
        if language:
            values['language'] = language
        admin.model('res.user').create([values])
        users[key] = server.client(login, password)
    return SimpleNamespace(
        server=server, admin=admin, province=province, ward=ward,
        other=other, birth=birth, spot=spot, **users)


def now_utc():
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def receive(client, world, **values):
    return client.model('one_stop.dossier').create([{
                'applicant': values.pop('applicant', None)
                or new_applicant(world),
                'procedure': world.birth, 'agency': world.ward,
                'channel': 'counter', **values}])[0]


def new_applicant(world, name="Trần Thị Bình", **values):
    return world.admin.model('party.party').create(
        [{'name': name, **values}])[0]


def read(world, dossier_id, *names):
    row, = world.admin.model('one_stop.dossier').read([dossier_id], names)
    return row


def test_clerk_time_is_the_servers(world):
    before = now_utc().replace(microsecond=0)
    dossier_id = receive(world.clerk, world,
        received_date=dt.datetime(2099, 1, 1, 0, 0))
    after = now_utc()
    row = read(world, dossier_id, 'received_date', 'code')
    assert before <= row['received_date'] <= after
    assert '-99' not in row['code']


def test_supervisor_cannot_receive_in_the_future(world):
    count = world.admin.model('one_stop.dossier').search_count([], 0, None)
    with pytest.raises(RPCError) as info:
        receive(world.supervisor, world,
            received_date=dt.datetime(2099, 1, 1, 0, 0))
    assert info.value.message == (
        'The received time 01/01/2099 07:00 is in the future: a dossier is '
        'received when it is saved.')
    assert world.admin.model('one_stop.dossier').search_count(
        [], 0, None) == count


def test_supervisor_cannot_receive_before_the_agency(world):
    with pytest.raises(RPCError) as info:
        receive(world.supervisor, world,
            received_date=dt.datetime(2025, 6, 30, 3, 0))
    assert 'receives dossiers from 01/07/2025' in info.value.message


def run_correction(client, dossier_id, received_date, reason):
    "The wizard of the dossier's form, as the client runs it"
    name = 'wizard.one_stop.dossier.correct_received_date'
    session, _, _ = client.call(f'{name}.create', client.context_for())
    context = client.context_for({
            'active_model': 'one_stop.dossier', 'active_id': dossier_id,
            'active_ids': [dossier_id]})
    client.call(f'{name}.execute', session, {}, 'start', context)
    return client.call(f'{name}.execute', session, {'start': {
                'received_date': received_date, 'reason': reason}},
        'correct', context)


def test_correction_by_the_supervisor_only(world):
    # received at 10:00 in Hanoi today (03:00 UTC), entered by hand
    today = (now_utc() + dt.timedelta(hours=7)).date()
    received = dt.datetime.combine(today, dt.time(3, 0))
    if received > now_utc():
        received -= dt.timedelta(days=1)
    dossier_id = receive(world.supervisor, world, received_date=received)
    code = read(world, dossier_id, 'code')['code']

    with pytest.raises(RPCError) as info:
        run_correction(world.clerk, dossier_id,
            received - dt.timedelta(minutes=20), "Sai giờ")
    assert 'not allowed' in info.value.message or (
        'không' in info.value.message.lower())
    assert read(world, dossier_id, 'received_date')['received_date'] == (
        received)

    run_correction(world.supervisor, dossier_id,
        received - dt.timedelta(minutes=20), "Máy tính khởi động chậm")
    row = read(world, dossier_id, 'received_date', 'code')
    assert row == {'id': dossier_id, 'code': code,
        'received_date': received - dt.timedelta(minutes=20)}
    events = world.admin.model('one_stop.dossier.event').search_read(
        [('dossier', '=', dossier_id)], 0, None, [('id', 'ASC')],
        ['kind', 'previous_date', 'corrected_date', 'reason', 'user'])
    assert [(e['kind'], e['previous_date'], e['corrected_date'], e['reason'],
            e['user']) for e in events[1:]] == [
        ('received_date', received, received - dt.timedelta(minutes=20),
            "Máy tính khởi động chậm", world.supervisor.user_id)]

    # into the previous day: the code would lie
    with pytest.raises(RPCError) as info:
        run_correction(world.supervisor, dossier_id,
            received - dt.timedelta(hours=12), "Sai ngày")
    assert 'can only be corrected within' in info.value.message


def test_no_result_without_processing(world):
    dossier_id = receive(world.clerk, world)
    Dossier = world.clerk.model('one_stop.dossier')
    with pytest.raises(RPCError) as info:
        Dossier.mark_ready([dossier_id])
    assert 'mark_ready' in info.value.message
    assert read(world, dossier_id, 'state')['state'] == 'received'
    Dossier.process([dossier_id])
    Dossier.mark_ready([dossier_id])
    assert read(world, dossier_id, 'state')['state'] == 'ready'

    on_the_spot = receive(world.clerk, world, procedure=world.spot)
    Dossier.mark_ready([on_the_spot])
    assert read(world, on_the_spot, 'state')['state'] == 'ready'


def test_search_by_applicant(world):
    hoang = world.clerk.model('party.party').create([{
                'name': "Hoàng Văn An", 'cccd': '001099012345',
                'applicant_phone': '0912 345 678',
                'applicant_ward': "Phường Hòa Bình",
                'applicant_province': 'hung_yen'}])[0]
    mine = receive(world.clerk, world, applicant=hoang)
    receive(world.clerk, world)  # somebody else
    # the same applicant at another agency: not the clerk's
    world.other_clerk.model('one_stop.dossier').create([{
                'applicant': hoang, 'procedure': world.birth,
                'channel': 'counter'}])

    def found(client, text):
        return client.model('one_stop.dossier').search(
            [('rec_name', 'ilike', f'%{text}%')], 0, None, None)
    assert found(world.clerk, "Hoàng") == [mine]
    assert found(world.clerk, "001 099 012 345") == [mine]
    assert found(world.clerk, "0912345678") == [mine]
    code = read(world, mine, 'code')['code']
    assert found(world.clerk, code[-11:]) == [mine]
    assert len(found(world.other_clerk, "Hoàng")) == 1
    assert found(world.other_clerk, "Hoàng") != [mine]


def test_cccd_of_11_digits_refused_in_vietnamese(world):
    with pytest.raises(RPCError) as info:
        world.clerk.model('party.party').create([{
                    'name': "Lê Văn Cường", 'cccd': '00109901234'}])
    assert info.value.message == (
        'Số CCCD "00109901234" phải có đúng 12 chữ số (đang có 11).')
    assert world.admin.model('party.party').search_count(
        [('name', '=', "Lê Văn Cường")], 0, None) == 0


def test_workload_of_the_supervisors_agencies(world):
    # what the clerk of the ward holds now: counted by hand below
    admin_dossiers = world.admin.model('one_stop.dossier')
    held = admin_dossiers.search_read(
        [('agency', '=', world.ward), ('received_by', '=',
                world.clerk.user_id)], 0, None, None,
        ['state', 'appointment_date'])
    rows = world.supervisor.model('one_stop.dossier.workload').search_read(
        [], 0, None, None, ['agency', 'clerk', 'open', 'ready'])
    assert {r['agency'] for r in rows} <= {world.province, world.ward}
    clerk_row, = [r for r in rows if r['clerk'] == world.clerk.user_id]
    assert clerk_row['open'] == sum(
        d['state'] in {'received', 'processing', 'supplement_requested'}
        for d in held)
    assert clerk_row['ready'] == sum(d['state'] == 'ready' for d in held)
    with pytest.raises(RPCError):
        world.clerk.model('one_stop.dossier.workload').search_read(
            [], 0, None, None, ['open'])


def test_impossible_dates_are_listed_not_changed(world, direct):
    dossier_id = receive(world.clerk, world)

    def set_2099(pool):
        from trytond.transaction import Transaction
        table = pool.get('one_stop.dossier').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.received_date], [dt.datetime(2099, 1, 1)],
                where=table.id == dossier_id))
    direct.run(set_2099)
    listed = world.supervisor.model('one_stop.dossier').search_read(
        [('date_anomaly', '!=', None)], 0, None, None,
        ['date_anomaly', 'received_date'])
    assert {(r['id'], r['date_anomaly'], r['received_date'])
        for r in listed} >= {(dossier_id, 'future', dt.datetime(2099, 1, 1))}


def test_supervisor_dashboard(world):
    """Late and still open apart from returned late; only the supervisor's
    agencies"""
    # received 10 days ago: 3 working days are long past
    ten_days_ago = now_utc().replace(microsecond=0) - dt.timedelta(days=10)
    late = receive(world.supervisor, world, received_date=ten_days_ago)
    late_returned = receive(world.supervisor, world,
        received_date=ten_days_ago)
    Dossier = world.admin.model('one_stop.dossier')
    Dossier.process([late_returned])
    Dossier.mark_ready([late_returned])
    Dossier.return_result([late_returned])
    elsewhere = world.admin.model('one_stop.dossier').create([{
                'applicant': new_applicant(world), 'procedure': world.birth,
                'agency': world.other, 'channel': 'counter',
                'received_date': ten_days_ago}])[0]
    assert read(world, late_returned, 'timeliness')['timeliness'] == 'late'

    dashboard, = world.supervisor.model(
        'one_stop.supervisor.dashboard').read(
        [1], ['overdue', 'due_today', 'workload', 'satisfaction'])
    assert late in dashboard['overdue']
    assert late_returned not in dashboard['overdue']
    assert elsewhere not in dashboard['overdue']
    agencies = {r['agency'] for r in Dossier.read(
            dashboard['overdue'], ['agency'])}
    assert agencies <= {world.province, world.ward}
    # the tabs of the dossiers' list: the returned late apart
    returned_late = world.supervisor.model('one_stop.dossier').search(
        [('state', '=', 'returned'), ('timeliness', '=', 'late')],
        0, None, None)
    assert late_returned in returned_late
    with pytest.raises(RPCError):
        world.clerk.model('one_stop.supervisor.dashboard').read(
            [1], ['overdue'])
