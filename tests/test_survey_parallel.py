# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Bursts of survey submissions on a real server (PostgreSQL only).

Each request comes from its own loopback address (127.0.x.y), as the
phones of different citizens, so the limits per address never apply; the
server is the shared one of the session, with the production limits
(``token_posts`` = 10 failed posts per ``token_window`` = 600 s per
invitation).

- 50 submissions of ONE token at the same instant: exactly one answer is
  stored, complete, and it is the one that was thanked; of the 49 others,
  which find it answered (failures of that invitation), the 10 admitted by
  the budget of failures are told so (409) and the 39 above it are refused
  (429).  The default limit is kept on purpose: the burst then checks both
  that the limiter (the table of PostgreSQL) admits exactly token_posts
  failures under concurrency and that the row lock lets exactly one answer
  win.
- 200 submissions of 200 different tokens, 50 at a time: every one is
  thanked (200) and stored with all its answers.

The store of the limits in memory (SQLite's) is also checked in this
process, with threads switched as often as possible (no server, on any
backend).

``pytest -s`` prints the figures.
"""
import collections
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import backend_name
from survey_world import Browser, answer_form, build_world, stored

postgresql_only = pytest.mark.skipif(
    backend_name() != 'postgresql',
    reason="concurrent transactions need PostgreSQL: SQLite has a single "
    "writer (set TRYTOND_DATABASE__URI=postgresql://...)")

SAME_TOKEN = 50
TOKEN_POSTS = 10  # [public_satisfaction] token_posts, the default
TOKENS = 200
WORKERS = 50
# the answers of VALID, by question code, as they are stored
ANSWERED = {'access', 'procedure', 'official', 'result', 'feedback',
    'overall', 'come_back', 'agencies', 'comment'}


@pytest.fixture(scope='module')
def world(admin):
    return build_world(admin, 'PAR',
        agency={'name': "Trung tâm Phục vụ hành chính công",
            'kind': 'service_centre'},
        procedure={'name': "Đăng ký khai sinh", 'level': 'commune',
            'processing_days': 1},
        party={'name': "Phạm Văn An"})


def answer_for(index):
    "The answers of submission index: each one recognisable when stored"
    return answer_form(
        overall=index % 5 + 1, comment=f"Lượt trả lời số {index}")


def assert_complete(answers, index):
    "The answers stored are all those of submission index"
    assert set(answers) == ANSWERED, sorted(answers)
    assert answers['overall']['value'] == index % 5 + 1
    assert answers['comment']['text'] == f"Lượt trả lời số {index}"
    assert {c: answers[c]['value'] for c in [
            'access', 'procedure', 'official', 'result']} == {
        'access': 4, 'procedure': 5, 'official': 2, 'result': 5}
    assert answers['feedback']['not_applicable']
    assert answers['feedback']['value'] is None
    assert answers['come_back']['choice'] == '1'
    assert answers['agencies']['choice'] == '1'


@postgresql_only
def test_burst_on_one_token(server, admin, direct, world):
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    browsers = [Browser(server) for _ in range(SAME_TOKEN)]
    assert len({b.address for b in browsers}) == SAME_TOKEN
    barrier = threading.Barrier(SAME_TOKEN)

    def submit(index):
        barrier.wait(timeout=60)
        reply = browsers[index].post(f's/{token}', answer_for(index))
        return reply.status, reply.headers.get('Retry-After')

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=SAME_TOKEN) as executor:
        replies = list(executor.map(submit, range(SAME_TOKEN)))
    elapsed = time.monotonic() - started
    statuses = collections.Counter(status for status, _ in replies)
    found = stored(admin, [dossier_id])[dossier_id]
    print(f"\n[survey parallel] one token: {SAME_TOKEN} requests in "
        f"{elapsed:.1f} s, statuses {dict(sorted(statuses.items()))}, "
        f"{len(found)} response row(s) stored")

    assert statuses == {200: 1, 409: TOKEN_POSTS,
        429: SAME_TOKEN - 1 - TOKEN_POSTS}, statuses
    assert all(retry for status, retry in replies if status == 429)
    # one answer, complete, and the one that was thanked
    (response, answers), = found
    winner, = [i for i, (status, _) in enumerate(replies) if status == 200]
    assert response['comment'] == f"Lượt trả lời số {winner}"
    assert_complete(answers, winner)
    invitation, = admin.model('satisfaction.invitation').read(
        [response['invitation']], ['state', 'answered_date'])
    assert invitation['state'] == 'answered'
    assert invitation['answered_date']
    assert elapsed < 60


@postgresql_only
def test_burst_of_many_tokens(server, admin, direct, world):
    started = time.monotonic()
    dossier_ids, _ = world.return_results(TOKENS)
    tokens = direct.tokens(dossier_ids)
    prepared = time.monotonic() - started
    assert len(set(tokens.values())) == TOKENS

    def submit(item):
        index, dossier_id = item
        reply = Browser(server).post(
            f's/{tokens[dossier_id]}', answer_for(index))
        return dossier_id, reply.status

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as executor:
        results = dict(executor.map(submit, enumerate(dossier_ids)))
    elapsed = time.monotonic() - started
    statuses = collections.Counter(results.values())
    found = stored(admin, dossier_ids)
    rows = sum(len(v) for v in found.values())
    print(f"\n[survey parallel] {TOKENS} tokens: {len(dossier_ids)} "
        f"dossiers prepared in {prepared:.1f} s; {len(results)} requests "
        f"({WORKERS} at a time) in {elapsed:.1f} s, statuses "
        f"{dict(sorted(statuses.items()))}, {rows} response rows stored "
        f"with {sum(len(a) for v in found.values() for _, a in v)} answers")

    assert statuses == {200: TOKENS}, statuses
    assert rows == TOKENS
    for index, dossier_id in enumerate(dossier_ids):
        (response, answers), = found[dossier_id]
        assert response['comment'] == f"Lượt trả lời số {index}"
        assert_complete(answers, index)
    states = collections.Counter(i['state'] for i in admin.model(
            'satisfaction.invitation').search_read(
            [('dossier', 'in', dossier_ids)], 0, None, None, ['state']))
    assert states == {'answered': TOKENS}, states


def test_limiter_is_atomic():
    """50 threads counting one key at once: exactly the limit is admitted.

    A check under a lock and a count after it admitted up to 15 of 50 with
    a limit of 10 (about 2 trials in 100 with the switch interval below)."""
    from trytond.modules.public_satisfaction.limits import MemoryStore
    admitted = collections.Counter()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(100):
            store = MemoryStore()
            barrier = threading.Barrier(SAME_TOKEN)
            hits = []

            def hit(store, barrier, hits):
                barrier.wait(timeout=60)
                (admitted_, _), = store.count([('token', TOKEN_POSTS, 600)])
                hits.append(admitted_)

            threads = [threading.Thread(
                    target=hit, args=(store, barrier, hits))
                for _ in range(SAME_TOKEN)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            admitted[hits.count(True)] += 1
    finally:
        sys.setswitchinterval(interval)
    assert admitted == {TOKEN_POSTS: 100}, admitted
