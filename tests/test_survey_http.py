# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The citizen's survey pages over real HTTP on a real trytond server.

The set-up is done as admin over JSON-RPC.  The survey token cannot be read
over RPC (by design): it is derived again in this process, in a transaction
opened directly on the server's database with the server's configuration.

Each scenario speaks from its own loopback address (127.0.x.y), so that the
per-address rate limits of the pages do not mix the scenarios.
"""
import gzip
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from survey_world import (
    VALID, Browser, answer_form, build_world, stored)
from test_rpc_access import unique_agency_code

CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'")
MAX_PAGE = 50 * 1024
PARALLEL = 10


@pytest.fixture(scope='module')
def world(admin):
    return build_world(admin, 'SUR')


@pytest.fixture
def browser(server):
    return Browser(server)


def invitations(admin, dossier_id):
    return admin.model('satisfaction.invitation').search_read(
        [('dossier', '=', dossier_id)], 0, None, [('id', 'ASC')],
        ['state', 'opened_date', 'answered_date', 'declined_date',
            'revoked_date', 'replaced_by'])


def responses(admin, dossier_id):
    return admin.model('satisfaction.response').search_read(
        [('dossier', '=', dossier_id)], 0, None, None,
        ['invitation', 'language', 'comment'])


def visible_text(html):
    html = re.sub(r'<style>.*?</style>', ' ', html, flags=re.S)
    return re.sub(r'<[^>]+>', ' ', html)


def checked_values(html, name):
    return re.findall(
        r'<input type="radio" name="%s" id="[^"]+" value="([^"]+)" checked'
        % re.escape(name), html)


def assert_page(reply, status, lang='vi'):
    assert reply.status == status, reply.text[:2000]
    headers = reply.headers
    assert headers['Content-Type'] == 'text/html; charset=utf-8'
    assert headers['Cache-Control'] == 'no-store'
    assert headers['Referrer-Policy'] == 'no-referrer'
    assert headers['X-Content-Type-Options'] == 'nosniff'
    assert headers['Content-Security-Policy'] == CSP
    assert 'Set-Cookie' not in headers
    assert headers['Vary'] == 'Accept-Encoding'
    assert 'Content-Encoding' not in headers  # not asked for
    assert len(reply.raw) < MAX_PAGE
    assert '<script' not in reply.text.lower()
    assert f'<html lang="{lang}">' in reply.text
    assert 'name="viewport"' in reply.text


# --- the pages ---------------------------------------------------------------

def test_invitation_page(admin, direct, world, browser):
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    assert invitations(admin, dossier_id)[0]['state'] == 'open'

    reply = browser.get(f's/{token}')

    assert_page(reply, 200)
    text = visible_text(reply.text)
    assert token not in text
    assert "Sở Tư pháp" in text and "Cấp phiếu lý lịch tư pháp" in text
    assert re.search(r'\d{2}/\d{2}/\d{4}', text)  # the expiry, dd/mm/yyyy
    assert f'href="/{browser.database}/s/{token}/form"' in reply.text
    # declining takes a second page: no form posts from the invitation
    assert '<form' not in reply.text
    assert f'href="/{browser.database}/s/{token}/decline"' in reply.text
    assert f'href="/{browser.database}/s/{token}?lang=en"' in reply.text
    invitation, = invitations(admin, dossier_id)
    assert invitation['state'] == 'opened'
    assert invitation['opened_date']
    assert not responses(admin, dossier_id)


def test_pages_are_in_vietnamese(admin, direct, world, browser):
    "Without ?lang, every page speaks the translations of locale/vi.po"
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    reply = browser.get(f's/{token}')
    assert_page(reply, 200)
    assert '<title>Khảo sát mức độ hài lòng</title>' in reply.text
    text = visible_text(reply.text)
    for phrase in [
            "Đánh giá sự hài lòng",
            "Ông/Bà có hài lòng với việc giải quyết hồ sơ của mình không?",
            "Cơ quan", "Thủ tục",
            "Khoảng hai phút: 9 câu hỏi ngắn.",  # the 9 of sipas-short
            "Cán bộ, công chức không xem được câu trả lời của Ông/Bà. "
            "Phiếu không hỏi thông tin cá nhân.",
            "Bắt đầu", "Không tham gia",
            "Khảo sát sự hài lòng của người dân đối với việc giải quyết thủ"
            " tục hành chính."]:
        assert phrase in text, phrase
    assert re.search(
        r'Ông/Bà có thể trả lời đến hết ngày \d{2}/\d{2}/\d{4}\.', text)
    for english in ["Satisfaction survey", "Agency", "Procedure", "Start",
            "Do not take part", "You can answer until"]:
        assert english not in text, english

    reply = browser.get(f's/{token}/form')
    assert_page(reply, 200)
    assert '<title>Câu hỏi khảo sát</title>' in reply.text
    text = visible_text(reply.text)
    for phrase in ["Ý kiến của Ông/Bà", "Rất hài lòng", "Hài lòng",
            "Bình thường", "Không hài lòng", "Rất không hài lòng",
            "Không áp dụng", "(bắt buộc)", "Gửi đánh giá"]:
        assert phrase in text, phrase
    for english in ["Your opinion", "Very satisfied", "Not applicable",
            "(required)", "Send my answers"]:
        assert english not in text, english

    # the errors of the form, then the thanks and the page of an answer
    text = visible_text(browser.post(
            f's/{token}', answer_form(overall=None)).text)
    assert "Xin kiểm tra lại câu trả lời" in text
    assert "Xin chọn một câu trả lời." in text
    reply = browser.post(f's/{token}', answer_form(overall=5, official=4))
    assert_page(reply, 200)
    text = visible_text(reply.text)
    assert "Cảm ơn Ông/Bà đã đánh giá" in text
    assert "Câu trả lời của Ông/Bà đã được ghi nhận." in text
    assert "Thank you" not in text
    (response, _), = stored(admin, [dossier_id])[dossier_id]
    assert response['language'] == 'vi'
    text = visible_text(browser.get(f's/{token}').text)
    assert "Phiếu khảo sát này đã được trả lời" in text
    text = visible_text(browser.get('s/AAAAAAAAAAAAAAAAAAAAAA').text)
    assert "Không tìm thấy phiếu khảo sát" in text


def test_english(direct, world, browser):
    token = direct.token(world.returned())
    reply = browser.get(f's/{token}?lang=en')
    assert_page(reply, 200, lang='en')
    assert '>Start</a>' in reply.text
    assert f'href="/{browser.database}/s/{token}/decline?lang=en"' in (
        reply.text)
    assert f'href="/{browser.database}/s/{token}"' in reply.text  # to vi
    reply = browser.get(f's/{token}/decline?lang=en')
    assert '<input type="hidden" name="lang" value="en">' in reply.text
    reply = browser.get(f's/{token}/form?lang=en')
    assert_page(reply, 200, lang='en')
    assert 'Very satisfied' in reply.text
    # an unknown language falls back to Vietnamese
    assert_page(browser.get(f's/{token}?lang=xx'), 200, lang='vi')


def test_previews_record_nothing_but_the_opening(
        admin, direct, world, browser):
    dossier_id = world.returned()
    token = direct.token(dossier_id)

    reply = browser.request('HEAD', f's/{token}')
    assert reply.status == 200 and reply.raw == b''
    reply = browser.request('HEAD', f's/{token}/form')
    assert reply.status == 200
    invitation, = invitations(admin, dossier_id)
    assert invitation['state'] == 'open' and not invitation['opened_date']

    # a link scanner fetching the page and the questionnaire
    for path in [f's/{token}', f's/{token}/form', f's/{token}']:
        assert browser.get(
            path, headers={'User-Agent': 'Mozilla/5.0 (compatible; '
                'SafeLinks scanner)'}).status == 200
    after, = invitations(admin, dossier_id)
    assert after['state'] == 'opened'
    opened = after['opened_date']
    assert opened
    assert {k: v for k, v in after.items() if k not in {
                'state', 'opened_date'}} == {
        k: v for k, v in invitation.items() if k not in {
            'state', 'opened_date'}}
    assert not responses(admin, dossier_id)
    # later openings keep the first date
    browser.get(f's/{token}')
    assert invitations(admin, dossier_id)[0]['opened_date'] == opened


def test_form(direct, world, browser):
    token = direct.token(world.returned())
    reply = browser.get(f's/{token}/form')
    assert_page(reply, 200)
    html = reply.text
    assert html.count('<fieldset') == 8  # the comment is a textarea
    assert len(re.findall(r'<legend id="q_[a-z_]+-legend">', html)) == 8
    # the required overall rating: 5 ratings, never "skip"
    assert html.count('type="radio" name="q_overall"') == 5
    assert 'id="q_overall-skip"' not in html
    # optional: 5 ratings, N/A and "skip / no answer"
    assert html.count('type="radio" name="q_feedback"') == 7
    assert 'value="na"' in html
    assert re.search(
        r'<label class="opt skip" for="q_feedback-skip">\s*<input'
        r' type="radio" name="q_feedback" id="q_feedback-skip" value="skip"',
        html)
    for value in '12345':
        assert re.search(
            r'<label class="opt" for="q_overall-%s">\s*<input type="radio"'
            r' name="q_overall" id="q_overall-%s" value="%s"'
            % (value, value, value), html)
    assert html.count('type="radio" name="q_come_back"') == 4  # 3 + skip
    assert re.search(
        r'<textarea name="q_comment" id="q_comment" rows="5"'
        r' maxlength="1000"', html)
    assert f'action="/{browser.database}/s/{token}"' in html
    assert '<input type="hidden" name="action" value="answer">' in html


def test_answer(admin, direct, world, browser, server):
    dossier_id = world.returned()
    token = direct.token(dossier_id)

    reply = browser.post(f's/{token}', answer_form(overall=None))
    assert_page(reply, 422)
    html = reply.text
    assert 'id="q_overall-error"' in html
    assert 'aria-describedby="q_overall-error" aria-invalid="true"' in html
    # the summary links to the legend of the question, not to its first
    # radio below the text
    assert 'href="#q_overall-legend"' in html
    assert '<legend id="q_overall-legend">' in html
    assert checked_values(html, 'q_access') == ['4']
    assert checked_values(html, 'q_official') == ['2']
    assert checked_values(html, 'q_feedback') == ['na']
    assert checked_values(html, 'q_come_back') == ['1']
    assert checked_values(html, 'q_overall') == []
    # kept, and escaped
    assert ('>Cán bộ nhiệt tình &lt;b&gt;cảm ơn&lt;/b&gt;</textarea>'
        in html)
    assert not responses(admin, dossier_id)
    assert invitations(admin, dossier_id)[0]['state'] in {'open', 'opened'}

    reply = browser.post(f's/{token}', VALID)
    assert_page(reply, 200)
    assert 'class="notice"' in reply.text  # a 2: may be followed up

    (response, answers), = stored(admin, [dossier_id])[dossier_id]
    assert response['language'] == 'vi'
    assert response['comment'] == "Cán bộ nhiệt tình <b>cảm ơn</b>"
    assert set(answers) == {
        'access', 'procedure', 'official', 'result', 'feedback', 'overall',
        'come_back', 'agencies', 'comment'}
    assert {c: a['value'] for c, a in answers.items()
        if a['value'] is not None} == {
        'access': 4, 'procedure': 5, 'official': 2, 'result': 5,
        'overall': 4}
    assert answers['feedback']['not_applicable']
    assert answers['feedback']['value'] is None
    assert answers['come_back']['choice'] == '1'
    assert answers['comment']['text'] == VALID['q_comment']
    invitation, = invitations(admin, dossier_id)
    assert invitation['state'] == 'answered' and invitation['answered_date']

    # a second submission, a decline, the pages: all refused
    other = Browser(server)
    assert_page(other.post(f's/{token}', answer_form(overall='1')), 409)
    assert_page(other.post(f's/{token}', {'action': 'decline'}), 409)
    assert_page(other.get(f's/{token}'), 409)
    assert_page(other.get(f's/{token}/form'), 409)
    assert len(responses(admin, dossier_id)) == 1
    assert invitations(admin, dossier_id)[0]['state'] == 'answered'

    # no log line carries the token (the server logs its requests at INFO)
    log = server.log()
    assert '/s/<token>' in log
    assert token not in log


def test_cross_site_post_refused(admin, direct, world, browser):
    "A page of another site cannot post an answer in the citizen's place"
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    reply = browser.post(f's/{token}', answer_form(overall='1'),
        headers={'Origin': 'https://evil.example'})
    assert reply.status == 403
    assert responses(admin, dossier_id) == []
    assert invitations(admin, dossier_id)[0]['state'] == 'open'
    # the same post from the survey's own page is taken
    reply = browser.post(f's/{token}', answer_form(overall='1'),
        headers={'Origin': f'http://{browser.host}:{browser.port}'})
    assert reply.status == 200, reply.text[:1000]
    assert len(responses(admin, dossier_id)) == 1


@pytest.mark.parametrize('round_', range(3))
def test_parallel_answers(admin, direct, world, server, round_):
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    browsers = [Browser(server) for _ in range(PARALLEL)]
    barrier = threading.Barrier(PARALLEL)

    def answer(index):
        barrier.wait(timeout=60)
        return browsers[index].post(
            f's/{token}', answer_form(overall=str(index % 5 + 1))).status

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=PARALLEL) as executor:
        statuses = list(executor.map(answer, range(PARALLEL)))
    elapsed = time.monotonic() - started
    assert sorted(statuses) == [200] + [409] * (PARALLEL - 1), str(statuses)
    assert len(responses(admin, dossier_id)) == 1
    assert elapsed < 60


def test_decline(admin, direct, world, browser):
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    # the link of the invitation page: a confirmation, which writes nothing
    assert '<title>Do not take part?</title>' in browser.get(
        f's/{token}/decline?lang=en').text
    reply = browser.get(f's/{token}/decline')
    assert_page(reply, 200)
    assert re.search(
        r'<form method="post" action="/%s/s/%s">\s*'
        r'<input type="hidden" name="action" value="decline">'
        % (re.escape(browser.database), token), reply.text)
    assert f'href="/{browser.database}/s/{token}/form"' in reply.text
    assert browser.request('HEAD', f's/{token}/decline').status == 200
    invitation, = invitations(admin, dossier_id)
    assert invitation['state'] == 'open' and not invitation['declined_date']
    assert_page(browser.post(f's/{token}/decline', VALID), 405)

    # its button
    reply = browser.post(f's/{token}', {'action': 'decline', 'lang': 'vi'})
    assert_page(reply, 200)
    invitation, = invitations(admin, dossier_id)
    assert invitation['state'] == 'declined'
    assert invitation['declined_date']
    assert not invitation['answered_date']
    assert not responses(admin, dossier_id)
    # a decline is never an answer, and cannot become one
    assert_page(browser.post(f's/{token}', VALID), 409)
    assert_page(browser.get(f's/{token}'), 409)
    assert_page(browser.get(f's/{token}/decline'), 409)
    assert not responses(admin, dossier_id)
    assert admin.model('one_stop.dossier').read(
        [dossier_id], ['satisfaction_state'])[0][
        'satisfaction_state'] == 'declined'


@pytest.mark.parametrize('token', [
        'AAAAAAAAAAAAAAAAAAAAAA',  # well formed
        'short',
        'A' * 23,
        'AAAAAAAAAAAAAAAAAAAA%2B%2B',
        ])
def test_unknown_token(server, token):
    browser = Browser(server)
    for reply in [browser.get(f's/{token}'), browser.get(f's/{token}/form'),
            browser.post(f's/{token}', VALID)]:
        assert_page(reply, 404)
        assert token not in visible_text(reply.text)


def test_wrong_method(direct, world, browser):
    token = direct.token(world.returned())
    reply = browser.request('PUT', f's/{token}', raw=b'x')
    assert_page(reply, 405)
    assert reply.headers['Allow'] == 'GET, HEAD, POST'
    reply = browser.request('DELETE', f's/{token}/form')
    assert_page(reply, 405)
    assert reply.headers['Allow'] == 'GET, HEAD'
    reply = browser.post(f's/{token}/form', VALID)
    assert_page(reply, 405)


def test_bad_action(admin, direct, world, browser):
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    assert_page(browser.post(f's/{token}', {'q_overall': '5'}), 400)
    assert_page(browser.post(
            f's/{token}', {'action': ['answer', 'decline']}), 400)
    assert not responses(admin, dossier_id)


def test_oversized_body(admin, direct, world, browser):
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    reply = browser.post(
        f's/{token}', answer_form(comment='ệ' * 3000))  # 27 KB encoded
    assert_page(reply, 413)
    assert not responses(admin, dossier_id)
    # a comment of 1000 Vietnamese letters fits
    reply = browser.post(f's/{token}', answer_form(comment='ệ' * 1000))
    assert_page(reply, 200)


def test_expired(admin, direct, world, browser):
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    direct.expire(dossier_id)
    before, = invitations(admin, dossier_id)
    for reply in [browser.get(f's/{token}'), browser.get(f's/{token}/form'),
            browser.post(f's/{token}', VALID),
            browser.post(f's/{token}', {'action': 'decline'})]:
        assert_page(reply, 410)
    assert re.search(r'\d{2}/\d{2}/\d{4}', visible_text(reply.text))
    assert invitations(admin, dossier_id) == [before]
    assert not responses(admin, dossier_id)


def test_revoked(admin, direct, world, browser):
    dossier_id = world.returned()
    old = direct.token(dossier_id)
    assert browser.get(f's/{old}').status == 200
    admin.model('one_stop.dossier').reissue_invitation([dossier_id])
    new = direct.token(dossier_id)
    assert new != old
    for reply in [browser.get(f's/{old}'), browser.get(f's/{old}/form'),
            browser.post(f's/{old}', VALID)]:
        assert_page(reply, 410)
    assert not responses(admin, dossier_id)
    assert_page(browser.get(f's/{new}'), 200)
    assert_page(browser.post(f's/{new}', VALID), 200)
    response, = responses(admin, dossier_id)
    first, second = invitations(admin, dossier_id)
    assert first['state'] == 'revoked' and first['replaced_by'] == second['id']
    assert response['invitation'] == second['id']


def test_poster(direct, world, browser):
    dossier_id = world.returned()
    dossier_code, short_code = direct.codes(dossier_id)
    token = direct.token(dossier_id)

    reply = browser.get('p?c=12')
    assert_page(reply, 200)
    assert '<input type="hidden" name="c" value="12">' in reply.text
    assert 'name="dossier"' in reply.text and 'name="code"' in reply.text
    assert_page(browser.get('p?c=%3Cx%3E&lang=en'), 200, lang='en')

    # typed loosely: lower case, a dash, spaces
    typed = f' {short_code[:4].lower()}-{short_code[4:]} '
    reply = browser.post('p', {
            'dossier': dossier_code.lower(), 'code': typed, 'c': '12'})
    assert reply.status == 303
    assert reply.headers['Location'] == f'/{browser.database}/s/{token}'
    assert reply.headers['Cache-Control'] == 'no-store'
    reply = browser.post('p', {
            'dossier': dossier_code, 'code': short_code, 'lang': 'en'})
    assert reply.status == 303
    assert reply.headers['Location'] == (
        f'/{browser.database}/s/{token}?lang=en')


def test_poster_wrong_pair_is_neutral(direct, world, server):
    dossier_id = world.returned()
    dossier_code, short_code = direct.codes(dossier_id)
    other_code, _ = direct.codes(world.returned())
    wrong = '3469ACDE' if short_code != '3469ACDE' else '3469ACDF'
    bodies = []
    for dossier, code in [
            (dossier_code, wrong),  # right dossier, wrong code
            (other_code, short_code),  # the code of another dossier
            ('H99.99-000000-0000', short_code),  # no such dossier
            ('', ''),
            (dossier_code, 'OOOOOOOO'),  # not of the alphabet
            ]:
        browser = Browser(server)
        reply = browser.post('p', {'dossier': dossier, 'code': code})
        assert_page(reply, 400)
        bodies.append(re.sub(r'value="[^"]*"', '', reply.text))
    assert len(set(bodies)) == 1
    assert 'id="poster-error"' in bodies[0]


@pytest.mark.parametrize('agency_code', [
        'ZQ.{}',  # 2 dot groups, as H15.01
        'Q{}.50.05.13',  # 4 groups, as H15.50.05.13
        ])
def test_poster_dossier_code_typed_loosely(admin, direct, world, server,
        agency_code):
    "Case, spaces and separators do not matter; a wrong digit does"
    unique = unique_agency_code().split('.')[0][1:]
    agency_id, = admin.model('one_stop.agency').create([{
                'name': "UBND xã", 'kind': 'department',
                'code': agency_code.format(unique)}])
    dossier_id = world.returned(agency=agency_id)
    code, short_code = direct.codes(dossier_id)
    token = direct.token(dossier_id)
    agency, date, number = code.rsplit('-', 2)
    for typed in [code.lower(), ' '.join([*agency.split('.'), date, number]),
            f'{agency.replace(".", "")}-{date}-{number}',
            f'{agency.replace(".", "")}{date}{number}',
            f'  {code.lower().replace("-", " - ")}  ']:
        reply = Browser(server).post(
            'p', {'dossier': typed, 'code': short_code})
        assert reply.status == 303, typed
        assert reply.headers['Location'] == (
            f'/{server.database}/s/{token}')
    # the typed code is shown again as typed, the error stays neutral
    wrong_number = f'{int(number) + 1:04d}'
    reply = Browser(server).post('p', {
            'dossier': f'{agency} {date} {wrong_number}',
            'code': short_code})
    assert_page(reply, 400)
    assert f'value="{agency} {date} {wrong_number}"' in reply.text
    assert 'id="poster-error"' in reply.text


def test_skip_stores_no_answer(admin, direct, world, browser):
    "'Skip / no answer' un-answers an optional question"
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    # a skip of the required question is no answer: refused, shown again
    reply = browser.post(f's/{token}', answer_form(access='skip',
            overall='skip'))
    assert_page(reply, 422)
    assert 'id="q_overall-error"' in reply.text
    assert checked_values(reply.text, 'q_access') == ['skip']
    reply = browser.post(f's/{token}', answer_form(
            access='skip', feedback='skip', come_back='skip'))
    assert_page(reply, 200)
    (_, answers), = stored(admin, [dossier_id])[dossier_id]
    assert set(answers) == {'procedure', 'official', 'result', 'overall',
        'agencies', 'comment'}


def test_error_titles(direct, world, browser):
    "An error page's title starts with 'Error:' ('Lỗi:' in Vietnamese)"
    token = direct.token(world.returned())
    assert '<title>Survey questions</title>' in browser.get(
        f's/{token}/form?lang=en').text
    reply = browser.post(
        f's/{token}', answer_form(overall=None, lang='en'))
    assert_page(reply, 422, lang='en')
    assert '<title>Error: Survey questions</title>' in reply.text
    reply = browser.post('p', {'dossier': 'x', 'code': 'y', 'lang': 'en'})
    assert_page(reply, 400, lang='en')
    assert '<title>Error: Open the survey</title>' in reply.text
    reply = browser.get('s/AAAAAAAAAAAAAAAAAAAAAA?lang=en')
    assert_page(reply, 404, lang='en')
    assert '<title>Error: Survey not available</title>' in reply.text


def test_gzip(direct, world, browser):
    token = direct.token(world.returned())
    plain = browser.get(f's/{token}/form')
    reply = browser.get(
        f's/{token}/form', headers={'Accept-Encoding': 'gzip, deflate, br'})
    assert reply.status == 200
    assert reply.headers['Content-Encoding'] == 'gzip'
    assert reply.headers['Vary'] == 'Accept-Encoding'
    assert reply.headers['Content-Security-Policy'] == CSP
    page = gzip.decompress(reply.raw)
    assert page == plain.raw
    # the form is about 15 KB: a third of it or less on the wire
    assert len(plain.raw) < MAX_PAGE
    assert len(reply.raw) * 3 < len(plain.raw)
    assert int(reply.headers['Content-Length']) == len(reply.raw)
    # an error page too; a client refusing gzip gets the page as it is
    reply = browser.post(f's/{token}', {'action': 'x'},
        headers={'Accept-Encoding': 'gzip'})
    assert reply.status == 400
    assert b'<title>' in gzip.decompress(reply.raw)
    for refusing in ['gzip;q=0', 'identity', 'br']:
        reply = browser.get(
            f's/{token}', headers={'Accept-Encoding': refusing})
        assert 'Content-Encoding' not in reply.headers, refusing
        assert reply.raw.startswith(b'<!DOCTYPE html>')


def test_favicon(server, browser):
    reply = browser.send('GET', '/favicon.ico')
    assert reply.status == 200
    assert reply.headers['Content-Type'] == 'image/x-icon'
    # an ICO file (reserved 0, type 1) of two images, 16 and 32 px
    assert reply.raw[:6] == b'\x00\x00\x01\x00\x02\x00'
    assert sorted(reply.raw[6 + 16 * i] for i in range(2)) == [16, 32]
    assert len(reply.raw) < 4096
    assert browser.send('HEAD', '/favicon.ico').status == 200


# The rate limits of the poster and of the posts: tests/test_limits.py
