# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The closed loop end to end, against a real trytond server: a citizen
answers 1/5 from the QR code of a printed receipt, a follow-up opens for the
agency, hidden from the clerk who returned the result; the agency's leader
answers it; the citizen's link shows the reply and takes one re-rating, a
second is refused, the first answer is unchanged.

Users of agency A: the clerk who returns the results (a counter clerk who is
also one of the agency's PAKN handlers: the record rule, not the groups,
must hide the follow-up from that user), a plain counter clerk, a PAKN
handler and the leader.
"""
import re
from types import SimpleNamespace

import pytest
from conftest import RPCError
from survey_world import Browser, answer_form, stored
from test_feedback_rpc import group_id
from test_rpc_access import unique_agency_code
from test_survey_e2e import print_receipt, scan

APPLICANT = "Phạm Văn Bình"
COMMENT = "Phải chờ hai tiếng, không ai hướng dẫn."
REPLY = "Cơ quan đã bố trí thêm một cán bộ hướng dẫn tại quầy."


@pytest.fixture(scope='module')
def world(server, admin):
    admin.model('satisfaction.configuration').write([1], {
            'survey_base_url': server.url,
            'followup_max_rating': 2, 'followup_complaints': True,
            'followup_callback': False})
    agency, = admin.model('one_stop.agency').create([{
                'name': "Sở Xây dựng", 'code': unique_agency_code(),
                'kind': 'department'}])
    counter, = admin.model('one_stop.counter').create([{
                'agency': agency, 'code': 'Q7', 'name': "Quầy số 7"}])
    procedure, = admin.model('one_stop.procedure').create([{
                'code': 'LOOP.' + unique_agency_code(),
                'name': "Cấp giấy phép xây dựng", 'processing_days': 5}])
    party, = admin.model('party.party').create([{'name': APPLICANT}])
    suffix = unique_agency_code().replace('.', '').lower()
    users = {}
    for key, groups in [
            ('returning_clerk', ["One-stop Clerk", "PAKN Handler"]),
            ('clerk', ["One-stop Clerk"]),
            ('handler', ["PAKN Handler"]),
            ('leader', ["Agency Leader"]),
            ]:
        login, password = f'{key}_{suffix}', f'{key}-Secret-{suffix}-26'
        admin.model('res.user').create([{
                    'name': key, 'login': login, 'password': password,
                    'groups': [('add', [group_id(admin, g) for g in groups])],
                    'one_stop_agency': agency,
                    }])
        users[key] = server.client(login, password)
    return SimpleNamespace(
        server=server, admin=admin, agency=agency, counter=counter,
        procedure=procedure, party=party, **users)


def return_and_scan(world, tmp_path):
    "The returning clerk returns a new dossier; the URL of its receipt's QR"
    Dossier = world.returning_clerk.model('one_stop.dossier')
    dossier, = Dossier.create([{
                'applicant': world.party, 'procedure': world.procedure,
                'counter': world.counter, 'channel': 'counter'}])
    Dossier.process([dossier])
    Dossier.mark_ready([dossier])
    action = Dossier.return_result([dossier])
    url, = scan(print_receipt(
            SimpleNamespace(admin=world.admin), action, dossier, tmp_path))
    return dossier, url


def followups_of(world, response_id):
    return world.admin.model('one_stop.feedback').search_read(
        [('origin', '=', f'satisfaction.response,{response_id}')],
        0, None, None,
        ['agency', 'channel', 'dossier', 'content', 'state', 'deadline_date',
            'contact_phone', 'rating', 'kind'])


def dmy(date):
    return f'{date.day:02d}/{date.month:02d}/{date.year}'


def rerate_form(rating, comment=''):
    return {'action': 'rerate', 'lang': 'vi', 'rating': str(rating),
        'comment': comment}


def test_unhappy_answer_is_followed_up_and_rerated_once(world, tmp_path):
    dossier, url = return_and_scan(world, tmp_path)
    phone = Browser(world.server)
    assert phone.open(url).status == 200
    form = answer_form(overall=1, official=1, comment=COMMENT)
    thanks = phone.open(url, form)
    assert thanks.status == 200

    (response, first_answers), = stored(world.admin, [dossier])[dossier]
    followup, = followups_of(world, response['id'])
    assert followup['agency'] == world.agency
    assert followup['channel'] == 'survey'
    assert followup['state'] == 'received'
    # what was rated and the comment; nothing that tells who answered
    assert followup['content'].count('1/5') == 2  # official and overall
    assert COMMENT in followup['content']
    assert followup['dossier'] is None
    code, = world.admin.model('one_stop.dossier').read([dossier], ['code'])
    assert code['code'] not in followup['content']
    assert APPLICANT not in followup['content']
    kind, = world.admin.model('one_stop.feedback.kind').read(
        [followup['kind']], ['handling_days'])
    # the thank-you page gives the deadline of the register and the way back
    assert f"{kind['handling_days']} ngày làm việc" in thanks.text
    assert dmy(followup['deadline_date']) in thanks.text
    assert 'cùng đường dẫn' in thanks.text

    # the clerk who returned the result, although a PAKN handler of the
    # agency, never sees the follow-up nor the answer
    Feedback = world.returning_clerk.model('one_stop.feedback')
    assert followup['id'] not in Feedback.search([], 0, None, None)
    for client in [world.returning_clerk, world.clerk]:
        with pytest.raises(RPCError) as info:
            client.model('one_stop.feedback').read(
                [followup['id']], ['content'])
        assert info.value.kind == 'UserError'
        with pytest.raises(RPCError):
            client.model('satisfaction.response').read(
                [response['id']], ['comment'])
    # the handler and the leader of the agency see it
    for client in [world.handler, world.leader]:
        row, = client.model('one_stop.feedback').read(
            [followup['id']], ['content'])
        assert COMMENT in row['content']
        with pytest.raises(RPCError):
            client.model('satisfaction.response').read(
                [response['id']], ['comment'])

    # before the reply: the link says when it is due
    pending = phone.open(url)
    assert pending.status == 200
    assert dmy(followup['deadline_date']) in pending.text
    assert 'name="rating"' not in pending.text
    assert phone.open(url, rerate_form(5)).status == 409

    # the leader answers
    Leader = world.leader.model('one_stop.feedback')
    Leader.write([followup['id']], {'answer_text': REPLY})
    Leader.answer([followup['id']])

    # the agency cannot rate its own handling: ratio 2 reads that rating
    with pytest.raises(RPCError) as info:
        Leader.write([followup['id']], {'rating': '5'})
    assert "người dân" in info.value.message or 'citizen' in (
        info.value.message)
    assert followups_of(world, response['id'])[0]['rating'] is None

    shown = phone.open(url)
    assert shown.status == 200
    assert REPLY in shown.text
    assert 'name="rating"' in shown.text
    # an invalid re-rating changes nothing
    assert phone.open(url, rerate_form(9)).status == 422
    Rerating = world.admin.model('satisfaction.followup.rating')
    assert Rerating.search_count(
        [('feedback', '=', followup['id'])], 0, None) == 0

    assert phone.open(url, rerate_form(4, "Đã tốt hơn")).status == 200
    second = phone.open(url, rerate_form(1))
    assert second.status == 409
    ratings = Rerating.search_read(
        [('feedback', '=', followup['id'])], 0, None, None,
        ['value', 'first_value', 'comment', 'response', 'id'])
    assert [(r['value'], r['first_value'], r['comment'], r['response'])
        for r in ratings] == [(4, 1, "Đã tốt hơn", response['id'])]
    after, = followups_of(world, response['id'])
    assert after['rating'] == '4'
    # nobody gives a re-rating but the citizen, nor changes it; the rated
    # clerk does not read it
    for client in [world.handler, world.leader]:
        with pytest.raises(RPCError):
            client.model('satisfaction.followup.rating').create([{
                        'feedback': followup['id'],
                        'response': response['id'], 'value': 5,
                        'submitted_date': None}])
    rerating_id = ratings[0]['id']
    with pytest.raises(RPCError):
        world.leader.model('satisfaction.followup.rating').write(
            [rerating_id], {'value': 5})
    with pytest.raises(RPCError):
        world.returning_clerk.model('satisfaction.followup.rating').read(
            [rerating_id], ['value'])
    # the first answer is unchanged
    (response_after, answers_after), = stored(
        world.admin, [dossier])[dossier]
    assert response_after['comment'] == COMMENT
    assert {c: a['value'] for c, a in answers_after.items()} == {
        c: a['value'] for c, a in first_answers.items()}
    assert answers_after['overall']['value'] == 1
    # the link now tells the rating given
    final = phone.open(url)
    assert final.status == 200 and '4/5' in final.text
    assert 'name="rating"' not in final.text


def test_happy_answer_opens_no_followup(world, tmp_path):
    dossier, url = return_and_scan(world, tmp_path)
    phone = Browser(world.server)
    reply = phone.open(url, answer_form(overall=4, official=3))
    assert reply.status == 200
    assert 'ngày làm việc' not in reply.text
    (response, _), = stored(world.admin, [dossier])[dossier]
    assert followups_of(world, response['id']) == []
    # the link of an answer without follow-up stays the "answered" page
    assert phone.open(url).status == 409


def test_overall_decides_over_a_low_element(world, tmp_path):
    "Overall 3 with a 1 elsewhere: judged on the overall rating, no case"
    dossier, url = return_and_scan(world, tmp_path)
    phone = Browser(world.server)
    assert phone.open(url, answer_form(overall=3, official=1)).status == 200
    (response, _), = stored(world.admin, [dossier])[dossier]
    assert followups_of(world, response['id']) == []


def test_complaint_of_a_happy_answer_is_followed_up(world, tmp_path):
    dossier, url = return_and_scan(world, tmp_path)
    phone = Browser(world.server)
    form = answer_form(overall=5, comment="Đề nghị niêm yết phí rõ hơn")
    form['complaint'] = '1'
    assert phone.open(url, form).status == 200
    (response, _), = stored(world.admin, [dossier])[dossier]
    followup, = followups_of(world, response['id'])
    assert "Đề nghị niêm yết phí rõ hơn" in followup['content']


def test_thresholds_are_settings(world, tmp_path):
    Configuration = world.admin.model('satisfaction.configuration')
    Configuration.write([1], {
            'followup_max_rating': 0, 'followup_complaints': False})
    try:
        dossier, url = return_and_scan(world, tmp_path)
        phone = Browser(world.server)
        form_page = phone.open(url.rstrip('/') + '/form')
        assert 'name="complaint"' not in form_page.text
        form = answer_form(overall=1)
        form['complaint'] = '1'  # not offered: ignored
        assert phone.open(url, form).status == 200
        (response, _), = stored(world.admin, [dossier])[dossier]
        assert followups_of(world, response['id']) == []

        # up to 3: an overall 3 opens one
        Configuration.write([1], {'followup_max_rating': 3})
        dossier, url = return_and_scan(world, tmp_path)
        assert phone.open(url, answer_form(overall=3)).status == 200
        (response, _), = stored(world.admin, [dossier])[dossier]
        assert len(followups_of(world, response['id'])) == 1
    finally:
        Configuration.write([1], {
                'followup_max_rating': 2, 'followup_complaints': True})


def test_callback_phone_with_consent_only(world, tmp_path):
    Configuration = world.admin.model('satisfaction.configuration')
    Configuration.write([1], {'followup_callback': True})
    try:
        dossier, url = return_and_scan(world, tmp_path)
        phone = Browser(world.server)
        form_page = phone.open(url.rstrip('/') + '/form')
        assert 'name="phone"' in form_page.text
        form = answer_form(overall=2)
        # a number without consent, then a wrong number: refused, nothing
        # stored, what was typed kept
        for typed, consent in [('0912 345 678', None), ('12345', '1')]:
            data = dict(form, phone=typed)
            if consent:
                data['consent'] = consent
            refused = phone.open(url, data)
            assert refused.status == 422
            assert re.search(
                r'id="phone"[^>]*value="%s"' % re.escape(typed),
                refused.text), typed
            assert stored(world.admin, [dossier]).get(dossier) is None
        accepted = phone.open(
            url, dict(form, phone='+84 912.345.678', consent='1'))
        assert accepted.status == 200
        (response, _), = stored(world.admin, [dossier])[dossier]
        followup, = followups_of(world, response['id'])
        assert followup['contact_phone'] == '0912345678'
        # the answer itself keeps no phone
        assert '0912345678' not in (response['comment'] or '')
        # seen by the handler, erased when the case ends
        row, = world.handler.model('one_stop.feedback').read(
            [followup['id']], ['contact_phone'])
        assert row['contact_phone'] == '0912345678'
        Handler = world.handler.model('one_stop.feedback')
        Handler.write([followup['id']], {'answer_text': REPLY})
        Handler.answer([followup['id']])
        Handler.close([followup['id']])
        after, = followups_of(world, response['id'])
        assert after['contact_phone'] is None
    finally:
        Configuration.write([1], {'followup_callback': False})
