# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Who may read what of the satisfaction survey, over JSON-RPC as real users
of a real trytond server: clerks and supervisors see the survey state of a
dossier and nothing of the invitations or the answers; evaluators read the
answers; nobody writes them."""
import random
import string

import pytest
from conftest import RPCError

MODULES = ('public_satisfaction',)
SECRET_MODELS = [
    'satisfaction.response', 'satisfaction.response.answer',
    'satisfaction.invitation']


def unique_code():
    alphabet = string.ascii_uppercase + string.digits
    return '.'.join(
        ['Y' + ''.join(random.choices(alphabet, k=2)) for _ in range(3)])


def group_id(admin, name):
    ids = admin.model('res.group').search([('name', '=', name)], 0, None, None)
    assert len(ids) == 1, name
    return ids[0]


@pytest.fixture(scope='module')
def world(trytond_server_factory):
    server = trytond_server_factory(MODULES)
    admin = server.client()
    agency_id, = admin.model('one_stop.agency').create([{
                'name': "Sở Tư pháp", 'code': unique_code(),
                'kind': 'department'}])
    procedure_id, = admin.model('one_stop.procedure').create([{
                'code': 'ACC.' + unique_code(), 'name': "Lý lịch tư pháp",
                'processing_days': 2}])
    party_id, = admin.model('party.party').create([{'name': "Lê Thị Hoa"}])
    suffix = unique_code().replace('.', '').lower()
    users = {}
    for key, group in [
            ('clerk', "One-stop Clerk"),
            ('supervisor', "One-stop Supervisor"),
            ('evaluator', "Satisfaction Evaluator"),
            ]:
        login, password = f'{key}_{suffix}', f'{key}-Secret-{suffix}-26'
        admin.model('res.user').create([{
                    'name': key, 'login': login, 'password': password,
                    'groups': [('add', [group_id(admin, group)])],
                    'one_stop_agency': agency_id,
                    }])
        users[key] = server.client(login, password)
    Dossier = users['clerk'].model('one_stop.dossier')
    dossier_id, = Dossier.create([{
                'applicant': party_id, 'procedure': procedure_id,
                'agency': agency_id, 'channel': 'counter'}])
    Dossier.process([dossier_id])
    Dossier.mark_ready([dossier_id])
    action = Dossier.return_result([dossier_id])
    return dict(server=server, admin=admin, dossier=dossier_id,
        action=action, **users)


def test_return_result_opens_the_receipt(world):
    # The button answers with the id of the receipt's report action
    assert isinstance(world['action'], int)
    action, = world['admin'].model('ir.action').read(
        [world['action']], ['type'])
    assert action['type'] == 'ir.action.report'


def test_clerk_sees_the_survey_state_only(world):
    row, = world['clerk'].model('one_stop.dossier').read(
        [world['dossier']],
        ['satisfaction_state', 'satisfaction_eligibility'])
    assert row['satisfaction_state'] == 'invited'
    assert row['satisfaction_eligibility'] == 'eligible'


@pytest.mark.parametrize('who', ['clerk', 'supervisor'])
@pytest.mark.parametrize('model', SECRET_MODELS)
def test_counter_staff_cannot_read_survey_records(world, who, model):
    with pytest.raises(RPCError) as info:
        world[who].model(model).search_read([], 0, None, None, ['id'])
    assert 'not allowed' in info.value.message


@pytest.mark.parametrize('model', [
        'satisfaction.response', 'satisfaction.response.answer'])
def test_evaluator_reads_answers(world, model):
    # No exception and a list: the evaluator group has read access
    rows = world['evaluator'].model(model).search_read(
        [], 0, None, None, ['id'])
    assert isinstance(rows, list)


def test_evaluator_sees_invitation_but_not_its_secrets(world):
    Invitation = world['evaluator'].model('satisfaction.invitation')
    rows = Invitation.search_read(
        [('dossier', '=', world['dossier'])], 0, None, None,
        ['status', 'agency'])
    assert [r['status'] for r in rows] == ['open']
    for secret in ['nonce', 'short_code']:
        with pytest.raises(RPCError):
            Invitation.read([rows[0]['id']], [secret])


@pytest.mark.parametrize('who', ['clerk', 'evaluator', 'admin'])
def test_nobody_creates_a_response_over_rpc(world, who):
    invitation_id, = world['admin'].model('satisfaction.invitation').search(
        [('dossier', '=', world['dossier'])], 0, None, None)
    with pytest.raises(RPCError):
        world[who].model('satisfaction.response').create([{
                    'invitation': invitation_id,
                    'dossier': world['dossier'],
                    'submitted_date': None,
                    }])
    # the server is shared with other test modules: count this dossier's
    count = world['admin'].model('satisfaction.response').search_count(
        [('dossier', '=', world['dossier'])], 0, None)
    assert count == 0
