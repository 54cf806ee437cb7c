# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Interference signals and the evaluator's review, on a real server.

The citizen posts over real HTTP from a loopback address (127.0.x.y); the
counter of the dossier declares 127.0.0.0/8 as its own network, so the
answer is stored and flagged.  The evaluator (admin, who is in the
Satisfaction Administrator group, a child of the evaluators) reviews over
JSON-RPC.
"""
import datetime as dt

import pytest
from conftest import RPCError
from survey_world import (
    VALID, Browser, answer_form, build_world, new_address)
from test_rpc_access import unique_agency_code


@pytest.fixture(scope='module')
def world(admin):
    "A commune whose result counter declares the loopback range its own"
    return build_world(admin, 'INT',
        agency={'name': "UBND xã Hải Long"},
        counter={'code': 'Q1', 'name': "Quầy 1", 'kind': 'result',
            'networks': '127.0.0.0/8'},
        procedure={'name': "Chứng thực bản sao", 'level': 'commune',
            'processing_days': 1},
        party={'name': "Trần Văn Nam"})


def response_of(admin, dossier_id):
    response, = admin.model('satisfaction.response').search_read(
        [('dossier', '=', dossier_id)], 0, None, None,
        ['review_state', 'excluded', 'exclusion_reason', 'ip_prefix',
            'device_hash', 'flags'])
    response['reasons'] = sorted(f['reason'] for f in admin.model(
            'satisfaction.response.flag').read(
            response['flags'], ['reason']))
    return response


def figures(direct, agency_id):
    def compute(pool):
        from trytond.modules.public_satisfaction.statistics import (
            period_figures)
        today = dt.date.today()
        return period_figures(
            [agency_id], today - dt.timedelta(days=1),
            today + dt.timedelta(days=1))[agency_id]
    return direct.run(compute, readonly=True)


def test_flags_review_and_audit(server, admin, direct, world):
    address = new_address()
    assert address.startswith('127.')
    browser = Browser(server, address)
    Response = admin.model('satisfaction.response')
    Review = admin.model('satisfaction.response.review')

    # 1. an answer sent from the counter's own network: stored, flagged
    first = world.returned()
    token = direct.token(first)
    assert browser.get(f's/{token}/form').status == 200
    reply = browser.post(f's/{token}', answer_form(overall='5'))
    assert reply.status == 200, reply.text[:2000]
    response = response_of(admin, first)
    assert 'counter_network' in response['reasons']
    assert response['review_state'] == 'pending'
    assert not response['excluded']
    # only the prefix and a keyed hash, never the address
    prefix = '.'.join(address.split('.')[:3]) + '.0/24'
    assert response['ip_prefix'] == prefix
    assert len(response['device_hash']) == 64
    assert address not in response['device_hash']

    # 2. a bot filling the hidden field: stored, flagged, thanked normally
    second = world.returned(counter=None)
    token = direct.token(second)
    form = browser.get(f's/{token}/form')
    assert 'name="website"' in form.text
    assert 'tabindex="-1"' in form.text and 'aria-hidden="true"' in form.text
    reply = browser.post(
        f's/{token}', answer_form(overall='1', website='http://spam.vn'))
    assert reply.status == 200, reply.text[:2000]
    normal = world.returned(counter=None)
    direct_token = direct.token(normal)
    thanks = Browser(server, new_address()).post(
        f's/{direct_token}', answer_form(overall='1'))
    assert thanks.status == 200
    # the same thank-you page (but for the token in the language link)
    assert reply.text.replace(token, 'T') == thanks.text.replace(
        direct_token, 'T')
    honeypot = response_of(admin, second)
    assert 'honeypot' in honeypot['reasons']
    assert 'counter_network' not in honeypot['reasons']
    assert honeypot['review_state'] == 'pending'

    # the queue of the evaluators
    pending = Response.search([('review_state', '=', 'pending')], 0, None,
        None)
    assert {response['id'], honeypot['id']} <= set(pending)

    # overall ratings of the agency: 5 (first), 1 (honeypot), 1 (normal)
    before = figures(direct, world.agency)
    assert before.answered == 3 and before.excluded == 0
    assert before.flagged >= 2
    assert dict(before.overall_counts) == {5: 1, 1: 2}
    assert before.satisfaction == pytest.approx(1 / 3)

    # 3. the evaluator excludes the honeypot answer with a reason
    with pytest.raises(RPCError):
        Response.review([honeypot['id']], 'exclude', '   ')
    Response.review([honeypot['id']], 'exclude', "Trường ẩn bị điền: máy")
    excluded = response_of(admin, second)
    assert excluded['excluded']
    assert excluded['review_state'] == 'excluded'
    assert excluded['exclusion_reason'] == "Trường ẩn bị điền: máy"
    audit = Review.search_read([('response', '=', honeypot['id'])], 0, None,
        [('id', 'ASC')], ['action', 'reason', 'user', 'date'])
    assert len(audit) == 1
    assert audit[0]['action'] == 'exclude'
    assert audit[0]['reason'] == "Trường ẩn bị điền: máy"
    assert audit[0]['user'] == admin.user_id
    assert audit[0]['date']

    after = figures(direct, world.agency)
    assert after.excluded == before.excluded + 1
    assert after.answered == before.answered
    assert dict(after.overall_counts) == {5: 1, 1: 1}
    assert after.satisfaction == pytest.approx(1 / 2)
    assert after.satisfaction != before.satisfaction
    assert after.flagged == before.flagged  # still flagged, kept

    # 4. the exclusion is reversible, with a reason, and audited again
    with pytest.raises(RPCError):  # it is not counted: cannot exclude again
        Response.review([honeypot['id']], 'exclude', "lại")
    Response.review([honeypot['id']], 'restore', "Kiểm tra lại: người thật")
    restored = response_of(admin, second)
    assert not restored['excluded']
    assert restored['review_state'] == 'confirmed'
    assert restored['exclusion_reason'] is None
    audit = Review.search_read([('response', '=', honeypot['id'])], 0, None,
        [('id', 'ASC')], ['action', 'reason', 'user'])
    assert [a['action'] for a in audit] == ['exclude', 'restore']
    assert audit[1]['user'] == admin.user_id
    again = figures(direct, world.agency)
    assert again.excluded == before.excluded
    assert again.satisfaction == pytest.approx(before.satisfaction)

    # the counter network answer is confirmed
    Response.review([response['id']], 'confirm', "Đã gọi lại công dân")
    assert response_of(admin, first)['review_state'] == 'confirmed'

    # 5. the audit is append-only; responses are never deleted
    for call in [
            lambda: Review.write([audit[0]['id']], {'reason': "sửa"}),
            lambda: Review.delete([audit[0]['id']]),
            lambda: Review.create([{
                        'response': honeypot['id'], 'action': 'confirm',
                        'reason': "giả", 'date': dt.datetime.now()}]),
            lambda: Response.delete([honeypot['id']]),
            lambda: Response.write([honeypot['id']], {'comment': "sửa"}),
            ]:
        with pytest.raises(RPCError):
            call()
    assert len(Review.search([('response', '=', honeypot['id'])],
            0, None, None)) == 2


def test_review_only_by_evaluators(server, admin, direct, world):
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    browser = Browser(server, new_address())
    assert browser.post(f's/{token}', VALID).status == 200
    response = response_of(admin, dossier_id)

    login = 'clerk_' + unique_agency_code().lower()
    admin.model('res.user').create([{
                'name': "Cán bộ một cửa", 'login': login,
                'password': 'Clerk-Secret-2025'}])
    clerk = server.client(login, 'Clerk-Secret-2025')
    with pytest.raises(RPCError):
        clerk.model('satisfaction.response').review(
            [response['id']], 'exclude', "ép buộc")
    assert not response_of(admin, dossier_id)['excluded']


def test_evaluator_sees_what_to_review(server, admin, direct, world):
    "Agency, counter, dossier code and signals, without reading the dossier"
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    # from the counter's network, without opening the form first
    assert Browser(server, new_address()).post(
        f's/{token}', VALID).status == 200
    code, = [d['code'] for d in admin.model('one_stop.dossier').read(
            [dossier_id], ['code'])]

    login = 'evaluator_' + unique_agency_code().lower()
    group_id, = admin.model('res.group').search(
        [('name', '=', "Satisfaction Evaluator")], 0, None, None)
    admin.model('res.user').create([{
                'name': "Người đánh giá", 'login': login,
                'password': 'Evaluator-Secret-2025', 'language': None,
                'groups': [('add', [group_id])]}])
    evaluator = server.client(login, 'Evaluator-Secret-2025')
    Response = evaluator.model('satisfaction.response')
    response, = Response.search_read(
        [('review_state', '=', 'pending'), ('agency', '=', world.agency),
            ('invitation.dossier', '=', dossier_id)],
        0, None, None,
        ['dossier_code', 'agency', 'counter', 'signals', 'rec_name',
            'invitation.rec_name'])
    assert response['dossier_code'] == code
    assert response['rec_name'] == code
    assert response['invitation.']['rec_name'] == code
    assert response['agency'] == world.agency
    assert response['counter'] == world.counter
    signals = response['signals'].split(', ')
    assert signals[0] == "Sent from a Counter Network"
    assert "Completed Too Fast" in signals
    # the dossier itself stays out of reach
    with pytest.raises(RPCError):
        evaluator.model('one_stop.dossier').read([dossier_id], ['code'])
