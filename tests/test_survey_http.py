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
import datetime as dt
import http.client
import itertools
import os
import re
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_rpc_access import unique_agency_code

MODULES = ['public_satisfaction']
VI_PO = os.path.join(
    os.path.dirname(__file__), os.pardir, 'addons', 'public_satisfaction',
    'locale', 'vi.po')
PAGE_CONTEXT = 'report:satisfaction.survey.page:'
CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'")
MAX_PAGE = 50 * 1024
PARALLEL = 10
_addresses = (f'127.0.{i // 250 + 1}.{i % 250 + 1}' for i in itertools.count())


def new_address():
    return next(_addresses)


class Reply:

    def __init__(self, response):
        self.status = response.status
        self.headers = response.headers
        self.raw = response.read()
        self.text = self.raw.decode('utf-8')

    def __repr__(self):
        return f'<Reply {self.status}>'


class Browser:
    "A citizen's phone: plain HTTP from its own address, no cookie"

    def __init__(self, server, address=None):
        parsed = urllib.parse.urlsplit(server.url)
        self.host, self.port = parsed.hostname, parsed.port
        self.database = server.database
        self.address = address or new_address()

    def path(self, path):
        return f'/{self.database}/{path}'

    def request(self, method, path, data=None, headers=None, raw=None):
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=120,
            source_address=(self.address, 0))
        headers = dict(headers or {})
        body = raw
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers['Content-Type'] = 'application/x-www-form-urlencoded'
        try:
            connection.request(
                method, self.path(path), body=body, headers=headers)
            return Reply(connection.getresponse())
        finally:
            connection.close()

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, data, **kw):
        return self.request('POST', path, data=data, **kw)


# --- direct access to the server's database -------------------------------

class Direct:
    "Transactions opened in this process on the server's database"

    _initialised = set()

    def __init__(self, server):
        self.server = server

    def run(self, func, readonly=False):
        from trytond import config
        config.update_etc(self.server.config_path)
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        database = self.server.database
        with Transaction().start(database, 0, readonly=readonly) as t:
            pool = Pool(database)
            if database not in self._initialised:
                pool.init()
                self._initialised.add(database)
            result = func(pool)
            if not readonly:
                t.commit()
            return result

    def open_invitation(self, pool, dossier_id):
        Invitation = pool.get('satisfaction.invitation')
        invitation, = Invitation.search([
                ('dossier', '=', dossier_id),
                ('state', 'in', ['open', 'opened']),
                ])
        return invitation

    def token(self, dossier_id):
        return self.run(
            lambda pool: self.open_invitation(pool, dossier_id).token(),
            readonly=True)

    def codes(self, dossier_id):
        "Return the dossier code and the short code of the open invitation"
        def codes(pool):
            invitation = self.open_invitation(pool, dossier_id)
            return invitation.dossier.code, invitation.short_code
        return self.run(codes, readonly=True)

    def expire(self, dossier_id):
        def expire(pool):
            Invitation = pool.get('satisfaction.invitation')
            invitation = self.open_invitation(pool, dossier_id)
            Invitation.write([invitation], {
                    'expiry': dt.datetime.now() - dt.timedelta(minutes=1),
                    })
        self.run(expire)


# --- fixtures ----------------------------------------------------------------

@pytest.fixture(scope='module')
def server(trytond_server_factory):
    return trytond_server_factory(MODULES)


@pytest.fixture(scope='module')
def admin(server):
    return server.client()


@pytest.fixture(scope='module')
def direct(server):
    return Direct(server)


def survey_world(admin, prefix):
    "An agency, a procedure (code prefix.<unique>) and an applicant"
    agency_id, = admin.model('one_stop.agency').create([{
                'name': "Sở Tư pháp", 'code': unique_agency_code(),
                'kind': 'department'}])
    procedure_id, = admin.model('one_stop.procedure').create([{
                'code': f'{prefix}.' + unique_agency_code(),
                'name': "Cấp phiếu lý lịch tư pháp", 'level': 'province',
                'processing_days': 3}])
    party_id, = admin.model('party.party').create([{'name': "Lê Thị Hoa"}])
    return {'agency': agency_id, 'procedure': procedure_id,
        'party': party_id}


@pytest.fixture(scope='module')
def world(admin):
    return survey_world(admin, 'SUR')


@pytest.fixture
def returned(admin, world):
    "Return a function that gives a new dossier whose result was returned"
    def returned():
        Dossier = admin.model('one_stop.dossier')
        dossier_id, = Dossier.create([{
                    'applicant': world['party'],
                    'procedure': world['procedure'],
                    'agency': world['agency'], 'channel': 'counter'}])
        Dossier.process([dossier_id])
        Dossier.mark_ready([dossier_id])
        Dossier.return_result([dossier_id])  # the receipt action: ignored
        return dossier_id
    return returned


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


def answers_of(admin, response_id):
    rows = admin.model('satisfaction.response.answer').search_read(
        [('response', '=', response_id)], 0, None, None,
        ['question', 'value', 'not_applicable', 'choice', 'text'])
    questions = {q['id']: q['code'] for q in admin.model(
            'satisfaction.question').read(
            [r['question'] for r in rows], ['code'])}
    return {questions[r['question']]: r for r in rows}


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
    assert len(reply.raw) < MAX_PAGE
    assert '<script' not in reply.text.lower()
    assert f'<html lang="{lang}">' in reply.text
    assert 'name="viewport"' in reply.text


VALID = {
    'action': 'answer', 'lang': 'vi',
    'q_access': '4', 'q_procedure': '5', 'q_official': '2',
    'q_result': '5', 'q_feedback': 'na', 'q_overall': '4',
    'q_come_back': '1', 'q_agencies': '1',
    'q_comment': "Cán bộ nhiệt tình <b>cảm ơn</b>",
    }


# --- the pages ---------------------------------------------------------------

def test_invitation_page(admin, direct, returned, browser):
    dossier_id = returned()
    token = direct.token(dossier_id)
    assert invitations(admin, dossier_id)[0]['state'] == 'open'

    reply = browser.get(f's/{token}')

    assert_page(reply, 200)
    text = visible_text(reply.text)
    assert token not in text
    assert "Sở Tư pháp" in text and "Cấp phiếu lý lịch tư pháp" in text
    assert re.search(r'\d{2}/\d{2}/\d{4}', text)  # the expiry, dd/mm/yyyy
    assert f'href="/{browser.database}/s/{token}/form"' in reply.text
    assert re.search(
        r'<form method="post" action="/%s/s/%s">\s*'
        r'<input type="hidden" name="action" value="decline">'
        % (re.escape(browser.database), token), reply.text)
    assert f'href="/{browser.database}/s/{token}?lang=en"' in reply.text
    invitation, = invitations(admin, dossier_id)
    assert invitation['state'] == 'opened'
    assert invitation['opened_date']
    assert not responses(admin, dossier_id)


def test_pages_are_in_vietnamese(direct, returned, browser):
    if not os.path.exists(VI_PO) or PAGE_CONTEXT not in open(
            VI_PO, encoding='utf-8').read():
        pytest.skip("locale/vi.po has no strings of the survey pages yet")
    token = direct.token(returned())
    text = visible_text(browser.get(f's/{token}').text)
    assert "Bắt đầu" in text and "Không tham gia" in text
    text = visible_text(browser.get(f's/{token}/form').text)
    for label in ["Rất hài lòng", "Hài lòng", "Bình thường",
            "Không hài lòng", "Rất không hài lòng", "Không áp dụng"]:
        assert label in text


def test_english(direct, returned, browser):
    token = direct.token(returned())
    reply = browser.get(f's/{token}?lang=en')
    assert_page(reply, 200, lang='en')
    assert '>Start</a>' in reply.text
    assert '<input type="hidden" name="lang" value="en">' in reply.text
    assert f'href="/{browser.database}/s/{token}"' in reply.text  # to vi
    reply = browser.get(f's/{token}/form?lang=en')
    assert_page(reply, 200, lang='en')
    assert 'Very satisfied' in reply.text
    # an unknown language falls back to Vietnamese
    assert_page(browser.get(f's/{token}?lang=xx'), 200, lang='vi')


def test_previews_record_nothing_but_the_opening(
        admin, direct, returned, browser):
    dossier_id = returned()
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


def test_form(direct, returned, browser):
    token = direct.token(returned())
    reply = browser.get(f's/{token}/form')
    assert_page(reply, 200)
    html = reply.text
    assert html.count('<fieldset') == 8  # the comment is a textarea
    assert html.count('<legend>') == 8
    assert html.count('type="radio" name="q_overall"') == 5
    assert html.count('type="radio" name="q_feedback"') == 6  # N/A
    assert 'value="na"' in html
    for value in '12345':
        assert re.search(
            r'<label class="opt" for="q_overall-%s">\s*<input type="radio"'
            r' name="q_overall" id="q_overall-%s" value="%s"'
            % (value, value, value), html)
    assert html.count('type="radio" name="q_come_back"') == 3
    assert re.search(
        r'<textarea name="q_comment" id="q_comment" rows="5"'
        r' maxlength="1000"', html)
    assert f'action="/{browser.database}/s/{token}"' in html
    assert '<input type="hidden" name="action" value="answer">' in html


def test_answer(admin, direct, returned, browser, server):
    dossier_id = returned()
    token = direct.token(dossier_id)

    missing = dict(VALID)
    del missing['q_overall']
    reply = browser.post(f's/{token}', missing)
    assert_page(reply, 422)
    html = reply.text
    assert 'id="q_overall-error"' in html
    assert 'aria-describedby="q_overall-error" aria-invalid="true"' in html
    assert 'href="#q_overall-5"' in html  # the summary links to the field
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

    response, = responses(admin, dossier_id)
    assert response['language'] == 'vi'
    assert response['comment'] == "Cán bộ nhiệt tình <b>cảm ơn</b>"
    answers = answers_of(admin, response['id'])
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
    assert_page(other.post(f's/{token}', dict(VALID, q_overall='1')), 409)
    assert_page(other.post(f's/{token}', {'action': 'decline'}), 409)
    assert_page(other.get(f's/{token}'), 409)
    assert_page(other.get(f's/{token}/form'), 409)
    assert len(responses(admin, dossier_id)) == 1
    assert invitations(admin, dossier_id)[0]['state'] == 'answered'

    # no log line carries the token (the server logs its requests at INFO)
    log = server.log()
    assert '/s/<token>' in log
    assert token not in log


def test_cross_site_post_refused(admin, direct, returned, browser):
    "A page of another site cannot post an answer in the citizen's place"
    dossier_id = returned()
    token = direct.token(dossier_id)
    reply = browser.post(f's/{token}', dict(VALID, q_overall='1'),
        headers={'Origin': 'https://evil.example'})
    assert reply.status == 403
    assert responses(admin, dossier_id) == []
    assert invitations(admin, dossier_id)[0]['state'] == 'open'
    # the same post from the survey's own page is taken
    reply = browser.post(f's/{token}', dict(VALID, q_overall='1'),
        headers={'Origin': f'http://{browser.host}:{browser.port}'})
    assert reply.status == 200, reply.text[:1000]
    assert len(responses(admin, dossier_id)) == 1


@pytest.mark.parametrize('round_', range(3))
def test_parallel_answers(admin, direct, returned, server, round_):
    dossier_id = returned()
    token = direct.token(dossier_id)
    browsers = [Browser(server) for _ in range(PARALLEL)]
    barrier = threading.Barrier(PARALLEL)

    def answer(index):
        barrier.wait(timeout=60)
        return browsers[index].post(
            f's/{token}', dict(VALID, q_overall=str(index % 5 + 1))).status

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=PARALLEL) as executor:
        statuses = list(executor.map(answer, range(PARALLEL)))
    elapsed = time.monotonic() - started
    assert sorted(statuses) == [200] + [409] * (PARALLEL - 1), str(statuses)
    assert len(responses(admin, dossier_id)) == 1
    assert elapsed < 60


def test_decline(admin, direct, returned, browser):
    dossier_id = returned()
    token = direct.token(dossier_id)
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


def test_wrong_method(direct, returned, browser):
    token = direct.token(returned())
    reply = browser.request('PUT', f's/{token}', raw=b'x')
    assert_page(reply, 405)
    assert reply.headers['Allow'] == 'GET, HEAD, POST'
    reply = browser.request('DELETE', f's/{token}/form')
    assert_page(reply, 405)
    assert reply.headers['Allow'] == 'GET, HEAD'
    reply = browser.post(f's/{token}/form', VALID)
    assert_page(reply, 405)


def test_bad_action(admin, direct, returned, browser):
    dossier_id = returned()
    token = direct.token(dossier_id)
    assert_page(browser.post(f's/{token}', {'q_overall': '5'}), 400)
    assert_page(browser.post(
            f's/{token}', {'action': ['answer', 'decline']}), 400)
    assert not responses(admin, dossier_id)


def test_oversized_body(admin, direct, returned, browser):
    dossier_id = returned()
    token = direct.token(dossier_id)
    reply = browser.post(
        f's/{token}', dict(VALID, q_comment='ệ' * 3000))  # 27 KB encoded
    assert_page(reply, 413)
    assert not responses(admin, dossier_id)
    # a comment of 1000 Vietnamese letters fits
    reply = browser.post(f's/{token}', dict(VALID, q_comment='ệ' * 1000))
    assert_page(reply, 200)


def test_expired(admin, direct, returned, browser):
    dossier_id = returned()
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


def test_revoked(admin, direct, returned, browser):
    dossier_id = returned()
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


def test_poster(direct, returned, browser):
    dossier_id = returned()
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


def test_poster_wrong_pair_is_neutral(direct, returned, server):
    dossier_id = returned()
    dossier_code, short_code = direct.codes(dossier_id)
    other_code, _ = direct.codes(returned())
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


def test_poster_rate_limit(direct, returned, server):
    dossier_id = returned()
    dossier_code, short_code = direct.codes(dossier_id)
    browser = Browser(server)
    statuses = [browser.post(
            'p', {'dossier': dossier_code, 'code': '3469ACDE'}).status
        for _ in range(10)]
    assert set(statuses) <= {400}
    reply = browser.post('p', {'dossier': dossier_code, 'code': short_code})
    assert_page(reply, 429)
    assert reply.headers['Retry-After']
    # the others are not blocked
    assert Browser(server).post(
        'p', {'dossier': dossier_code, 'code': short_code}).status == 303


def test_survey_post_rate_limits(admin, direct, returned, server):
    # Per token: 10 posts in 10 minutes, from whatever addresses
    dossier_id = returned()
    token = direct.token(dossier_id)
    statuses = [Browser(server).post(f's/{token}', {'action': 'answer'})
        .status for _ in range(10)]
    assert statuses == [422] * 10
    refused = Browser(server).post(f's/{token}', VALID)
    assert_page(refused, 429)
    assert refused.headers['Retry-After'] == '600'  # the token's window
    assert not responses(admin, dossier_id)

    # Per address: 60 posts a minute, whatever the tokens; a centre's
    # citizens sharing one address stay far below it
    phone = Browser(server)
    other = direct.token(returned())
    statuses = {phone.post(f's/B{i:021d}', VALID).status
        for i in range(60)}
    assert statuses == {404}
    refused = phone.post(f's/{other}', VALID)
    assert_page(refused, 429)
    assert refused.headers['Retry-After'] == '60'  # the address's window
    # another phone may answer
    assert Browser(server).post(f's/{other}', VALID).status == 200
