# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The rate limits of the citizen's pages: nobody is locked out but the
attacker (limits.py, docs/security.md section 9).

- The rule of a budget and the store in memory, without a server.
- On the session's server (both backends), with the default limits: a
  valid answer after bad posts from the same address is taken; a right
  poster pair after wrong pairs of other dossiers from the same address is
  taken; guessing the short code of one dossier stays refused, from any
  address and however its code is typed; the 429 page says when to try
  again and links back.
- PostgreSQL only: the table of the counts (one statement, digests, expired
  rows pruned).  Several worker processes: tests/test_limits_workers.py.

Each phone speaks from its own loopback address (survey_world.Browser).
"""
import re
import uuid

import pytest
from conftest import backend_name
from survey_world import VALID, Browser, answer_form, build_world, stored

from trytond.modules.public_satisfaction import limits, tokens

postgresql_only = pytest.mark.skipif(
    backend_name() != 'postgresql',
    reason="the shared table of the counts is PostgreSQL's; SQLite keeps "
    "them in memory (set TRYTOND_DATABASE__URI=postgresql://...)")

# the defaults of [public_satisfaction]
SURVEY_POSTS = 60  # valid posts per address per 60 s
SURVEY_FAILURES = 60  # failed posts per address per 600 s
TOKEN_FAILURES = 10  # failed posts per invitation per 600 s
POSTER_ATTEMPTS = 10  # wrong pairs per dossier code per 600 s
POSTER_ADDRESS = 100  # wrong pairs per address per 600 s


def retry_after(reply, window):
    "The Retry-After of a 429, checked to be within the window"
    assert reply.status == 429, reply.text[:2000]
    seconds = int(reply.headers['Retry-After'])
    assert 0 < seconds <= window, seconds
    return seconds


def visible_text(html):
    html = re.sub(r'<style>.*?</style>', ' ', html, flags=re.S)
    return ' '.join(re.sub(r'<[^>]+>', ' ', html).split())


# --- the rule, without a server ---------------------------------------------

def test_count_in_window():
    "3 per 10 s: the window starts at the first event counted"
    rule = limits.count_in_window
    state = None
    admitted = []
    for now in [100, 101, 105, 109.9]:
        ok, state = rule(state, now, 3, 10)
        admitted.append(ok)
    # the 4th, within 100 + 10, is refused and not counted
    assert admitted == [True, True, True, False]
    assert state == (3, 110)
    # at 110 the window has ended: a new one starts, 110 + 10
    ok, state = rule(state, 110, 3, 10)
    assert ok and state == (1, 120)
    # a limit of 0 refuses everything
    assert rule(None, 5, 0, 10) == (False, (0, 15))


def test_memory_store():
    clock = [1000.0]
    store = limits.MemoryStore(clock=lambda: clock[0])
    a, b = ('a', 2, 60), ('b', 5, 600)
    assert store.count([a, b]) == [(True, 60), (True, 600)]
    clock[0] += 10
    assert store.count([a]) == [(True, 50)]
    assert store.peek('a', 2) == (False, 50)
    # refused: 'a' is full; 'b' still counts its own event (2 of 5)
    assert store.count([a, b]) == [(False, 50), (True, 590)]
    assert store.peek('b', 5) == (True, 0)
    clock[0] += 50  # 1060: the window of 'a' ended
    assert store.peek('a', 2) == (True, 0)
    assert store.count([a]) == [(True, 60)]


def test_memory_store_forgets_the_oldest_keys():
    clock = [0.0]
    store = limits.MemoryStore(clock=lambda: clock[0])
    store.MAX_KEYS = 3
    for index, key in enumerate(['a', 'b', 'c']):
        clock[0] = index
        store.count([(key, 1, 100)])
    clock[0] = 3
    store.count([('d', 1, 100)])
    # 'a' (window to 100) was forgotten, the others are still full
    assert store.peek('a', 1) == (True, 0)
    assert [store.peek(k, 1)[0] for k in 'bcd'] == [False, False, False]


def test_decision():
    assert limits.decide([(True, 60), (True, 5)]) == limits.ADMITTED
    # refused until every refusing window ends: 599.2 s, rounded up
    decision = limits.decide([(False, 30.5), (True, 5), (False, 599.2)])
    assert decision == limits.Decision(False, 600)
    assert decision.minutes == 10
    assert limits.Decision(False, 61).minutes == 2
    assert limits.Decision(False, 3).minutes == 1


@pytest.mark.parametrize('typed', [
        'H15.01-260910-0001', 'h15.01-260910-0001', 'H15 01 260910 0001',
        'H1501-260910-0001', 'H15012609100001', ' h15.01 - 260910 - 0001 ',
        'H15.01_260910/0001', 'H15.01\t260910\n0001',
        ])
def test_compact_code(typed):
    assert tokens.compact_code(typed) == 'H15012609100001'
    assert limits.dossier_key(typed) == 'H15012609100001'


def test_compact_code_keeps_the_letters_and_digits():
    # 4 dot groups: only the separators go
    assert tokens.compact_code('h15.50.05.13-261008-0975') == (
        'H155005132610080975')
    assert tokens.compact_code('H15.01-260910-0002') != (
        tokens.compact_code('H15.01-260910-0001'))
    assert tokens.compact_code(None) == ''


# --- on a server ------------------------------------------------------------

@pytest.fixture(scope='module')
def world(admin):
    return build_world(admin, 'LIM')


def test_valid_answer_after_bad_posts_of_its_invitation(
        admin, direct, world, server):
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    phone = Browser(server)
    # 10 invalid answers: shown again (422), then the invitation's budget
    # of failures is spent
    statuses = [phone.post(f's/{token}', answer_form(overall=None)).status
        for _ in range(TOKEN_FAILURES)]
    assert statuses == [422] * TOKEN_FAILURES
    # whatever the address, an 11th failure of this invitation is refused
    refused = Browser(server).post(f's/{token}', answer_form(overall=7))
    retry_after(refused, 600)
    # the well-formed answer is taken, from the same phone
    reply = phone.post(f's/{token}', VALID)
    assert reply.status == 200, reply.text[:2000]
    (response, answers), = stored(admin, [dossier_id])[dossier_id]
    assert answers['overall']['value'] == 4
    # and the invitation is closed: its later posts are failures
    assert phone.post(f's/{token}', VALID).status == 429


def test_valid_answer_after_bad_posts_from_the_same_address(
        admin, direct, world, server):
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    phone = Browser(server)
    # unknown tokens (404): the address's budget of failures
    statuses = {phone.post(f's/B{i:021d}', VALID).status
        for i in range(SURVEY_FAILURES)}
    assert statuses == {404}
    refused = phone.post('s/B' + '9' * 21, VALID)
    retry_after(refused, 600)
    # a form that cannot be read, a bad action: refused as failures too
    assert phone.post(f's/{token}', {'action': 'vote'}).status == 429
    assert phone.post(
        f's/{token}', answer_form(comment='ệ' * 3000)).status == 429
    # another phone of the same centre gets its own pages
    assert Browser(server).post('s/B' + '8' * 21, VALID).status == 404
    # the valid answer from that address is taken, then its invitation
    # is closed (409 is a failure: refused here)
    reply = phone.post(f's/{token}', VALID)
    assert reply.status == 200, reply.text[:2000]
    assert len(stored(admin, [dossier_id])[dossier_id]) == 1
    # and so is a decline of another invitation
    other = world.returned()
    assert phone.post(
        f's/{direct.token(other)}', {'action': 'decline'}).status == 200
    assert admin.model('satisfaction.invitation').search_read(
        [('dossier', '=', other)], 0, None, None, ['state'])[0][
        'state'] == 'declined'


def test_valid_posts_of_one_address(admin, direct, world, server):
    "60 valid posts a minute per address: a centre's Wi-Fi stays below it"
    dossier_ids, _ = world.return_results(SURVEY_POSTS + 1)
    by_dossier = direct.tokens(dossier_ids)
    wifi = Browser(server)
    statuses = [wifi.post(f's/{by_dossier[d]}', VALID).status
        for d in dossier_ids[:SURVEY_POSTS]]
    assert statuses == [200] * SURVEY_POSTS
    last = dossier_ids[-1]
    refused = wifi.post(f's/{by_dossier[last]}', VALID)
    retry_after(refused, 60)
    assert not stored(admin, [last])
    # the same answer from another address is taken
    assert Browser(server).post(f's/{by_dossier[last]}', VALID).status == 200


def test_right_pair_after_wrong_pairs_of_other_dossiers(
        direct, world, server):
    dossier_ids, _ = world.return_results(3)
    codes = [direct.codes(d) for d in dossier_ids]
    wifi = Browser(server)
    # 10 wrong pairs, of other dossiers, from the centre's address
    for index in range(POSTER_ATTEMPTS):
        reply = wifi.post('p', {
                'dossier': f'ZZZ.ZZZ-260910-{index:04d}',
                'code': '3469ACDE'})
        assert reply.status == 400, reply.text[:2000]
    dossier_code, short_code = codes[0]
    reply = wifi.post('p', {'dossier': dossier_code, 'code': short_code})
    assert reply.status == 303
    assert reply.headers['Location'] == (
        f'/{wifi.database}/s/{direct.token(dossier_ids[0])}')
    # up to the address's budget (100 wrong pairs): then a wrong pair is
    # told to wait, a right pair still opens its survey
    for index in range(POSTER_ATTEMPTS, POSTER_ADDRESS):
        assert wifi.post('p', {
                'dossier': f'ZZZ.ZZZ-260910-{index:04d}',
                'code': '3469ACDE'}).status == 400
    refused = wifi.post('p', {'dossier': codes[1][0], 'code': '3469ACDE'})
    retry_after(refused, 600)
    dossier_code, short_code = codes[2]
    assert wifi.post(
        'p', {'dossier': dossier_code, 'code': short_code}).status == 303


def test_brute_force_of_one_dossier_stays_refused(direct, world, server):
    dossier_id, other_id = world.return_results(2)[0]
    dossier_code, short_code = direct.codes(dossier_id)
    wrong = [c for c in ['3469ACDE', '3469ACDF', '3469ACDG', '3469ACDH',
            '3469ACDJ', '3469ACDK', '3469ACDM', '3469ACDN', '3469ACDP',
            '3469ACDQ', '3469ACDR'] if c != short_code]
    # 10 wrong codes for this dossier, each from another address
    for code in wrong[:POSTER_ATTEMPTS]:
        assert Browser(server).post(
            'p', {'dossier': dossier_code, 'code': code}).status == 400
    # then even the right code is refused, from any address, however the
    # dossier code is typed
    compact = dossier_code.replace('.', '').replace('-', '').lower()
    for typed in [dossier_code, compact, ' '.join(dossier_code.split('-'))]:
        refused = Browser(server).post(
            'p', {'dossier': typed, 'code': short_code})
        retry_after(refused, 600)
    # the invitation itself is untouched: its QR code still works
    token = direct.token(dossier_id)
    assert Browser(server).get(f's/{token}').status == 200
    # and the other dossiers' pairs are taken
    other_code, other_short = direct.codes(other_id)
    assert Browser(server).post(
        'p', {'dossier': other_code, 'code': other_short}).status == 303


def test_too_many_page(direct, world, server):
    "The 429 page says when to try again and leads back"
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    for _ in range(TOKEN_FAILURES):
        Browser(server).post(f's/{token}', {'action': 'answer', 'lang': 'en'})
    reply = Browser(server).post(f's/{token}', {'action': 'answer',
            'lang': 'en'})
    seconds = retry_after(reply, 600)
    # 591..600 s: "10 minutes", rounded up
    minutes = -(-seconds // 60)
    text = visible_text(reply.text)
    assert f"Please wait {minutes} minutes, then try again." in text
    assert '<title>Error: Survey not available</title>' in reply.text
    assert re.search(
        r'<a class="button" href="/%s/s/%s\?lang=en">Back to the survey</a>'
        % (re.escape(server.database), token), reply.text)

    dossier_code, _ = direct.codes(dossier_id)
    for code in ['3469ACDE', '3469ACDF', '3469ACDG', '3469ACDH', '3469ACDJ',
            '3469ACDK', '3469ACDM', '3469ACDN', '3469ACDP', '3469ACDQ']:
        Browser(server).post('p', {'dossier': dossier_code, 'code': code})
    reply = Browser(server).post('p', {
            'dossier': dossier_code, 'code': '3469ACDR', 'c': '12',
            'lang': 'en'})
    retry_after(reply, 600)
    assert re.search(
        r'<a class="button" href="/%s/p\?c=12&amp;lang=en">'
        r'Back to the code entry</a>' % re.escape(server.database),
        reply.text)


# --- the table of the counts (PostgreSQL) -----------------------------------

@postgresql_only
def test_shared_counts(direct):
    "The counts of the table: exact, stored as digests, pruned"
    def run(pool):
        RateLimit = pool.get('satisfaction.rate_limit')

        def query(sql, *params):
            # committed rows, as another worker sees them
            return RateLimit._execute(sql, params)

        key = f'test:{uuid.uuid4().hex}:10.1.2.3'
        results = [RateLimit.count([(key, 3, 600), (key + ':b', 1, 60)])
            for _ in range(5)]
        peek = RateLimit.peek(key, 3)
        rows = query(
            'SELECT key, hits, max_hits FROM satisfaction_rate_limit '
            'WHERE key IN (%s, %s) ORDER BY max_hits',
            RateLimit.digest(key + ':b'), RateLimit.digest(key))
        (clear,), = query(
            'SELECT count(*) FROM satisfaction_rate_limit '
            'WHERE key LIKE %s', '%10.1.2.3%')
        (persistence,), = query(
            'SELECT relpersistence FROM pg_class '
            "WHERE relname = 'satisfaction_rate_limit'")
        # a window of 0 s has ended at once: pruned by the cron
        expired = f'test:{uuid.uuid4().hex}:expired'
        RateLimit.count([(expired, 1, 0)])
        before = query(
            'SELECT count(*) FROM satisfaction_rate_limit WHERE key = %s',
            RateLimit.digest(expired))
        RateLimit.prune_expired()
        after = query(
            'SELECT count(*) FROM satisfaction_rate_limit WHERE key = %s',
            RateLimit.digest(expired))
        return results, peek, rows, clear, persistence, before, after

    results, peek, rows, clear, persistence, before, after = direct.run(run)
    admitted = [[admitted for admitted, _ in r] for r in results]
    # 3 per 600 s and 1 per 60 s: refused events are not counted
    assert admitted == [[True, True], [True, False], [True, False],
        [False, False], [False, False]]
    assert 599 < results[0][0][1] <= 600
    assert peek[0] is False and 0 < peek[1] <= 600
    # the hits are capped at the limit + 1 (refused)
    assert [(hits, max_hits) for _, hits, max_hits in rows] == [
        (2, 1), (4, 3)]
    assert all(re.fullmatch('[0-9a-f]{64}', key) for key, _, _ in rows)
    assert clear == 0  # no address in clear
    assert persistence == 'u'  # UNLOGGED
    assert (before, after) == ([(1,)], [(0,)])
