# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The access matrix of the integration API's models (satisfaction_api):
every group × model × operation over JSON-RPC as real users of a real
trytond server, in the manner of test_access_matrix.py.

The expected outcome of each cell is written literally in MATRIX.  An
allowed cell must succeed; a refused one must fail with an access error
(ACCESS_MESSAGES), never a validation error.  Only the Integration API
Administrator (and admin, who is one) sees the platforms, their keys'
audit, the mirror and the webhooks; the audit, the mirror and the
deliveries are written by the API alone.  The users of the platforms
themselves have no group: over RPC they read nothing.
"""
import re
import secrets

import pytest
from conftest import RPCError
from survey_world import Direct
from test_rpc_access import unique_agency_code

MODULES = ('satisfaction_api',)
USERS = {
    'nobody': None,
    'clerk': "One-stop Clerk",
    'sat_admin': "Satisfaction Administrator",
    'api_admin': "Integration API Administrator",
    'admin': None,
    }
MATRIX = {
    'satisfaction.api.platform': {
        'nobody': '-', 'clerk': '-', 'sat_admin': '-', 'api_admin': 'rwc',
        'admin': 'rwc'},
    'satisfaction.api.webhook': {
        'nobody': '-', 'clerk': '-', 'sat_admin': '-', 'api_admin': 'rwcd',
        'admin': 'rwcd'},
    'satisfaction.api.webhook.delivery': {
        'nobody': '-', 'clerk': '-', 'sat_admin': '-', 'api_admin': 'r',
        'admin': 'r'},
    'satisfaction.api.webhook.attempt': {
        'nobody': '-', 'clerk': '-', 'sat_admin': '-', 'api_admin': 'r',
        'admin': 'r'},
    'satisfaction.api.call': {
        'nobody': '-', 'clerk': '-', 'sat_admin': '-', 'api_admin': 'r',
        'admin': 'r'},
    'satisfaction.api.dossier': {
        'nobody': '-', 'clerk': '-', 'sat_admin': '-', 'api_admin': 'r',
        'admin': 'r'},
    }
ACCESS_MESSAGES = [re.compile(p) for p in [
    r'^You are not allowed to access "[^"]+"\.$',
    r'^You are not allowed to access "[^"]+\.[^"]+"\.$',
    r'^You are not allowed to (read|write to|delete) records "[^"]*" of ',
    r'^You are not allowed to create records of "[^"]+" because ',
    r'^A platform is never deleted',
    r'^The audit of the API calls is never changed nor deleted\.$',
    r'^A mirrored dossier is changed only by its platform',
    r'^The deliveries of webhooks and their attempts are never changed',
    ]]
OPERATIONS = {'r': 'read', 'w': 'write', 'c': 'create', 'd': 'delete'}


def group_id(admin, name):
    ids = admin.model('res.group').search([('name', '=', name)], 0, None, None)
    assert len(ids) == 1, name
    return ids[0]


@pytest.fixture(scope='module')
def world(trytond_server_factory):
    server = trytond_server_factory(MODULES)
    admin = server.client()
    direct = Direct(server)
    agency_id, = admin.model('one_stop.agency').create([{
                'name': "Sở Tư pháp", 'code': unique_agency_code(),
                'kind': 'department'}])
    procedure = 'ACC.' + unique_agency_code()
    admin.model('one_stop.procedure').create([{
                'code': procedure, 'name': "Lý lịch tư pháp",
                'processing_days': 2}])
    suffix = secrets.token_hex(3)
    users = {'admin': admin}
    for key, group in USERS.items():
        if key == 'admin':
            continue
        login, password = f'{key}_{suffix}', f'{key}-Secret-{suffix}-26'
        admin.model('res.user').create([{
                    'name': key, 'login': login, 'password': password,
                    'groups': [('add', [group_id(admin, group)])]
                    if group else [],
                    'one_stop_agency': agency_id,
                    }])
        users[key] = server.client(login, password)
    platform_id, = admin.model('satisfaction.api.platform').create([{
                'name': "iGate", 'code': 'acc' + suffix,
                'agencies': [('add', [agency_id])]}])

    def records(pool):
        from trytond.modules.satisfaction_api import payload
        Platform = pool.get('satisfaction.api.platform')
        Webhook = pool.get('satisfaction.api.webhook')
        Delivery = pool.get('satisfaction.api.webhook.delivery')
        Attempt = pool.get('satisfaction.api.webhook.attempt')
        Call = pool.get('satisfaction.api.call')
        External = pool.get('satisfaction.api.dossier')
        Agency = pool.get('one_stop.agency')
        platform = Platform(platform_id)
        webhook, = Webhook.create([{
                    'platform': platform_id, 'url': 'http://127.0.0.1:9/h',
                    'events': ['survey.opened']}])
        delivery, = Delivery.enqueue(
            'survey.opened', {'dossier': 'X'}, Agency(agency_id))
        attempt, = Attempt.create([{
                    'delivery': delivery.id, 'date': delivery.created,
                    'status': 500}])
        call, = Call.create([{'platform': platform_id, 'status': 200,
                    'route': 'dossier.get', 'method': 'GET'}])
        (code, _), = External.upsert(platform, [payload.parse_dossier({
                        'code': 'ACC-' + suffix, 'procedure': procedure,
                        'agency': Agency(agency_id).code,
                        'channel': 'counter',
                        'received': '2025-04-01T09:00:00+07:00'},
                    'Asia/Ho_Chi_Minh')])
        link, = External.search([('code', '=', code)])
        return {
            'satisfaction.api.platform': platform_id,
            'satisfaction.api.webhook': webhook.id,
            'satisfaction.api.webhook.delivery': delivery.id,
            'satisfaction.api.webhook.attempt': attempt.id,
            'satisfaction.api.call': call.id,
            'satisfaction.api.dossier': link.id,
            }
    ids = direct.run(records)
    return dict(server=server, admin=admin, users=users, ids=ids,
        agency=agency_id, procedure=procedure, platform=platform_id,
        delivery=ids['satisfaction.api.webhook.delivery'])


READS = {
    'satisfaction.api.platform': 'name',
    'satisfaction.api.webhook': 'url',
    'satisfaction.api.webhook.delivery': 'event',
    'satisfaction.api.webhook.attempt': 'status',
    'satisfaction.api.call': 'route',
    'satisfaction.api.dossier': 'code',
    }


def writes(model):
    return {
        'satisfaction.api.platform': {'name': "iGate 2"},
        'satisfaction.api.webhook': {'url': 'http://127.0.0.1:9/other'},
        'satisfaction.api.webhook.delivery': {'event': 'survey.answered'},
        'satisfaction.api.webhook.attempt': {'status': 200},
        'satisfaction.api.call': {'status': 500},
        'satisfaction.api.dossier': {'clerk_name': "Trần An"},
        }[model]


def values_of(world, model):
    return {
        'satisfaction.api.platform': {
            'name': "OpenCPS", 'code': 'x' + secrets.token_hex(4),
            'agencies': [('add', [world['agency']])]},
        'satisfaction.api.webhook': {
            'platform': world['platform'], 'url': 'http://127.0.0.1:9/n',
            'events': ['survey.answered']},
        'satisfaction.api.webhook.delivery': {
            'webhook': world['ids']['satisfaction.api.webhook'],
            'uuid': secrets.token_hex(8), 'event': 'survey.opened',
            'body': '{}', 'state': 'pending',
            'created': world['admin'].model(
                'satisfaction.api.webhook.delivery').read(
                [world['delivery']], ['created'])[0]['created']},
        'satisfaction.api.webhook.attempt': {
            'delivery': world['delivery'], 'status': 200,
            'date': world['admin'].model(
                'satisfaction.api.webhook.delivery').read(
                [world['delivery']], ['created'])[0]['created']},
        'satisfaction.api.call': {'status': 200, 'route': 'x'},
        'satisfaction.api.dossier': {
            'code': 'FORGED-1', 'platform': world['platform'],
            'dossier': 1, 'agency': world['agency']},
        }[model]


def spare(world, model):
    """A throwaway record of model for a delete cell: made as admin, or
    directly for the models that only the API writes"""
    if model in {'satisfaction.api.platform', 'satisfaction.api.webhook'}:
        record, = world['admin'].model(model).create(
            [values_of(world, model)])
        return record

    def make(pool):
        Agency = pool.get('one_stop.agency')
        Delivery = pool.get('satisfaction.api.webhook.delivery')
        if model == 'satisfaction.api.webhook.delivery':
            delivery, = Delivery.enqueue(
                'survey.opened', {'dossier': 'S'}, Agency(world['agency']))
            return delivery.id
        if model == 'satisfaction.api.webhook.attempt':
            delivery = Delivery(world['delivery'])
            record, = pool.get(model).create([{
                        'delivery': delivery.id, 'date': delivery.created,
                        'status': 503}])
            return record.id
        if model == 'satisfaction.api.call':
            record, = pool.get(model).create([{'status': 404}])
            return record.id
        from trytond.modules.satisfaction_api import payload
        Platform = pool.get('satisfaction.api.platform')
        (code, _), = pool.get(model).upsert(Platform(world['platform']), [
                payload.parse_dossier({
                        'code': 'SP-' + secrets.token_hex(4),
                        'procedure': world['procedure'],
                        'agency': Agency(world['agency']).code,
                        'channel': 'online',
                        'received': '2025-04-01T09:00:00+07:00'},
                    'Asia/Ho_Chi_Minh')])
        link, = pool.get(model).search([('code', '=', code)])
        return link.id
    return Direct(world['server']).run(make)


CELLS = [(model, who, op) for model, row in MATRIX.items()
    for who in USERS for op in 'rwcd']


def assert_access_error(error):
    assert any(p.search(error.message or '') for p in ACCESS_MESSAGES), (
        f"not an access error: {error.message!r}")


@pytest.mark.parametrize('model, who, op', CELLS,
    ids=[f'{m}-{w}-{OPERATIONS[o]}' for m, w, o in CELLS])
def test_access_matrix(world, model, who, op):
    allowed = op in MATRIX[model][who]
    client = world['users'][who].model(model)
    record = world['ids'][model]

    def do():
        if op == 'r':
            return client.read([record], [READS[model]])
        if op == 'w':
            return client.write([record], writes(model))
        if op == 'c':
            return client.create([values_of(world, model)])
        return client.delete([spare(world, model)])
    if allowed:
        do()
    else:
        with pytest.raises(RPCError) as info:
            do()
        assert_access_error(info.value)


def test_platform_user_reads_nothing_over_rpc(world):
    "The user of a platform has no group: the API is its only way in"
    row, = world['admin'].model('satisfaction.api.platform').read(
        [world['platform']], ['user'])
    groups = world['admin'].model('res.user').read(
        [row['user']], ['groups'])[0]['groups']
    assert groups == []


def test_keys_are_not_readable_in_clear(world):
    "Only the SHA-256 of a key is stored"
    def issue(pool):
        Platform = pool.get('satisfaction.api.platform')
        return Platform.issue_key(Platform(world['platform']))
    key = Direct(world['server']).run(issue)
    rows = world['admin'].model('res.user.application').search_read(
        [('satisfaction_platform', '=', world['platform'])], 0, None, None,
        ['key'])
    assert rows and all(re.fullmatch(r'[0-9a-f]{64}', r['key'])
        for r in rows)
    assert key not in [r['key'] for r in rows]
