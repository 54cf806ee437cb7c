"""End-to-end test of the demo data of public_satisfaction.

A fresh database is created with trytond-admin (module public_satisfaction
and its dependencies), filled with ``one-stop-demo --dossiers 600 --seed
3``, which runs ``one_stop_tools.demo_satisfaction`` (the demo generator
of that module), and checked with plain SQL; a second run with
``--dossiers 60`` must only give invitations to the new dossiers.

The period is pinned (``--end 2025-12-31``): the data then depend on the
seed only, not on today's date, so that the statistical checks (coverage
per agency, complaints, facts going with low ratings) are reproducible.

Backends as tests/test_demo.py: SQLite always; PostgreSQL too when
TRYTOND_DATABASE__URI is a postgresql:// URI, on a uniquely named database
created and dropped here (skipped otherwise).
"""
import datetime as dt
import re
import statistics
from collections import Counter, defaultdict

import pytest

from test_demo import as_datetime, demo_database, fetch, run_demo

NAMED = ['H15.02', 'H15.03', 'H15.21', 'H15.23', 'H15.24', 'H15.25']
CENTRE = 'H15.01'
EXPIRY = dt.timedelta(days=7)
PERIOD = ['--start', '2024-01-01', '--end', '2025-12-31']
PHONE = re.compile(r'\d{3,}|@')
VIETNAMESE = re.compile('[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữự'
    'ỳỵỷỹáàãéèíìóòõúùýĂÂĐ]')


@pytest.fixture(params=['sqlite', 'postgresql'], scope='module')
def database(request, tmp_path_factory):
    yield from demo_database(
        request, tmp_path_factory, 'public_satisfaction', 'satisfaction_')


def eligible_returned(backend):
    "The ids of the returned dossiers the pilot's rules survey"
    return {r[0] for r in fetch(backend,
            'SELECT d.id FROM one_stop_dossier AS d '
            'JOIN one_stop_procedure AS p ON p.id = d.procedure '
            "WHERE d.state = 'returned' AND d.channel = 'counter' "
            "AND d.return_method = 'counter' "
            'AND NOT COALESCE(p.immediate_result, FALSE)')}


def invitations(backend):
    rows = fetch(backend,
        'SELECT i.id, i.dossier, i.state, i.returned_date, i.issued_date, '
        'i.expiry, i.printed_date, i.opened_date, i.answered_date, '
        'i.declined_date, a.code, i.agency, d.agency, i.procedure, '
        'd.procedure, i.channel, d.channel, i.timeliness, d.timeliness, '
        'i.clerk, d.returned_by, i.counter, d.counter, d.returned_date, '
        'i.nonce, i.token_hash, i.short_code '
        'FROM satisfaction_invitation AS i '
        'JOIN one_stop_dossier AS d ON d.id = i.dossier '
        'JOIN one_stop_agency AS a ON a.id = i.agency')
    names = ['id', 'dossier', 'state', 'returned', 'issued', 'expiry',
        'printed', 'opened', 'answered', 'declined', 'code', 'agency',
        'd_agency', 'procedure', 'd_procedure', 'channel', 'd_channel',
        'timeliness', 'd_timeliness', 'clerk', 'd_clerk', 'counter',
        'd_counter', 'd_returned', 'nonce', 'token_hash', 'short_code']
    result = []
    for row in rows:
        record = dict(zip(names, row))
        for key in ['returned', 'issued', 'expiry', 'printed', 'opened',
                'answered', 'declined', 'd_returned']:
            record[key] = as_datetime(record[key])
        result.append(record)
    return result


def check_invitations(backend, now):
    eligible = eligible_returned(backend)
    records = invitations(backend)
    assert records
    live = Counter(r['dossier'] for r in records if r['state'] != 'revoked')
    # only for eligible returned dossiers, one each, all of them invited
    assert set(live) == eligible
    assert max(live.values()) == 1
    for r in records:
        # the snapshot of the dossier
        for key in ['agency', 'procedure', 'channel', 'timeliness', 'clerk',
                'counter']:
            assert r[key] == r['d_' + key], (key, r)
        assert r['returned'] == r['d_returned']
        assert r['nonce'] and r['token_hash'] and len(r['short_code']) == 8
        # dates in order and in the past
        assert r['returned'] <= r['issued'] <= now
        if r['printed']:
            assert r['issued'] <= r['printed'] <= now
        if r['opened']:
            assert r['issued'] <= r['opened'] <= now
        if r['state'] == 'answered':
            assert r['opened'] and r['opened'] <= r['answered'] < r['expiry']
            assert r['answered'] <= now and not r['declined']
        elif r['state'] == 'declined':
            assert r['opened'] <= r['declined'] < r['expiry']
            assert not r['answered']
        elif r['state'] == 'opened':
            assert r['opened'] and not r['answered'] and not r['declined']
        else:
            assert r['state'] == 'open', r
            assert not (r['opened'] or r['answered'] or r['declined'])
    tokens = [r['token_hash'] for r in records]
    assert len(tokens) == len(set(tokens))
    return records


def check_responses(backend, records):
    by_id = {r['id']: r for r in records}
    responses = fetch(backend,
        'SELECT id, invitation, dossier, submitted_date, comment, '
        'questionnaire FROM satisfaction_response')
    assert responses
    answered = {r['id'] for r in records if r['state'] == 'answered'}
    assert {r[1] for r in responses} == answered
    assert len(responses) == len(answered)
    for _, invitation, dossier, submitted, _, _ in responses:
        record = by_id[invitation]
        assert record['dossier'] == dossier
        assert as_datetime(submitted) == record['answered']
        if record['issued'] != record['returned']:
            # issued by the demo today for a dossier returned earlier
            assert record['issued'] <= record['answered']
            continue
        # within minutes to days after the return of the result
        delay = record['answered'] - record['returned']
        assert dt.timedelta(minutes=1) <= delay < EXPIRY
    answers = fetch(backend,
        'SELECT a.response, q.code, q.kind, q.required, '
        'q.allow_not_applicable, a.value, a.not_applicable, a.choice, '
        'a.text, q.questionnaire '
        'FROM satisfaction_response_answer AS a '
        'JOIN satisfaction_question AS q ON q.id = a.question')
    questionnaire = {r[0]: r[5] for r in responses}
    codes = defaultdict(list)
    for (response, code, kind, _, allow_na, value, na, choice, text,
            question_of) in answers:
        assert questionnaire[response] == question_of
        codes[response].append(code)
        if kind == 'rating':
            if na:
                assert allow_na and value is None, code
            else:
                assert 1 <= value <= 5, code
        elif kind == 'choice':
            assert choice and value is None, code
        else:
            assert text and value is None, code
    for response, *_ in responses:
        assert 'overall' in codes[response]
        assert len(codes[response]) == len(set(codes[response]))
    return responses, answers


def test_demo_satisfaction(database):
    backend = database
    result = run_demo(backend, '--dossiers', '600', '--seed', '3', *PERIOD)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert 'public_satisfaction' in result.stdout
    assert 'login: danhgia ' in result.stdout
    assert 'satisfaction:' in result.stderr

    records = check_invitations(backend, now)
    responses, answers = check_responses(backend, records)

    # coverage per agency: the agencies named in the notice ahead
    eligible = Counter(r['code'] for r in records)
    answered = Counter(r['code'] for r in records
        if r['state'] == 'answered')
    coverage = {code: answered[code] / count
        for code, count in eligible.items() if count >= 3}
    named = [coverage[c] for c in NAMED if c in coverage]
    assert named, coverage
    median = statistics.median(coverage.values())
    assert max(named) >= median + 0.3, coverage
    assert max(coverage.values()) - min(coverage.values()) >= 0.4

    # declines, without any response, more of them around Hàm Thuận Nam
    declined = [r for r in records if r['state'] == 'declined']
    assert declined
    responded = {r[1] for r in responses}
    assert not {r['id'] for r in declined} & responded

    # never answered, the validity over: still open or opened (expired)
    assert any(r['state'] in {'open', 'opened'} and r['expiry'] < now
        for r in records)
    # current invitations of the Centre to try the survey
    fresh = [r for r in records if r['code'] == CENTRE
        and r['state'] == 'open' and now - r['issued'] < dt.timedelta(
            hours=1)]
    assert 1 <= len(fresh) <= 5
    # and two answered from the counter's own network (a clerk answering
    # for the citizen), waiting flagged in the evaluators' queue
    from_counter = [r for r in records if r['code'] == CENTRE
        and r['state'] == 'answered' and now - r['issued'] < dt.timedelta(
            hours=1)]
    assert len(from_counter) == 2
    assert all(r['expiry'] - r['issued'] == EXPIRY
        for r in fresh + from_counter)
    # the history: issued when the result was returned
    assert all(r['issued'] == r['returned'] and r['expiry'] == r['returned']
        + EXPIRY for r in records if r not in fresh + from_counter)
    queue = fetch(backend,
        'SELECT r.invitation, r.review_state, r.ip_prefix, f.reason '
        'FROM satisfaction_response AS r '
        'JOIN satisfaction_response_flag AS f ON f.response = r.id '
        "WHERE f.reason = 'counter_network'")
    assert {r[0] for r in queue} == {r['id'] for r in from_counter}
    counters = {r['id']: r['counter'] for r in from_counter}
    networks = dict(fetch(backend,
            'SELECT id, networks FROM one_stop_counter'))
    for invitation, review_state, prefix, _ in queue:
        assert review_state == 'pending'
        # only the /24 of the address is stored: the counter's network
        assert prefix == networks[counters[invitation]].strip()

    # ratings mostly 4-5, a few unhappy citizens who complain
    overall = {response: value for response, code, _, _, _, value, *_
        in answers if code == 'overall'}
    happy = sum(v >= 4 for v in overall.values()) / len(overall)
    unhappy = sum(v <= 2 for v in overall.values()) / len(overall)
    assert 0.6 <= happy <= 0.95, happy
    assert unhappy <= 0.2, unhappy
    comments = {r[0]: r[4] for r in responses if r[4]}
    assert any(overall[r] <= 3 for r in comments)
    assert any(overall[r] >= 4 for r in comments)
    for comment in comments.values():
        assert not PHONE.search(comment), comment
        assert VIETNAMESE.search(comment), comment
        assert len(comment) <= 1000
    texts = {(r, t) for r, code, *_, t, _ in answers if code == 'comment'}
    assert texts == set(comments.items())
    # feedback is often not applicable
    feedback = [na for _, code, _, _, _, _, na, *_ in answers
        if code == 'feedback']
    assert sum(bool(na) for na in feedback) > len(feedback) / 2
    # the facts go with the ratings: coming back, several agencies
    facts = defaultdict(set)
    for response, code, *_, choice, _, _ in answers:
        if (code, choice) in {('come_back', '1'), ('come_back', '2+'),
                ('agencies', '2'), ('agencies', '3+')}:
            facts[response].add(code)

    def burdened(responses):
        return sum(bool(facts[r]) for r in responses) / max(1, len(responses))
    low = [r for r, v in overall.items() if v <= 3]
    high = [r for r, v in overall.items() if v >= 4]
    assert low and high
    assert burdened(low) > burdened(high)

    # the evaluator, in Vietnamese, and the survey address left empty
    users = fetch(backend,
        'SELECT u.id, l.code, u.password_hash FROM res_user AS u '
        'LEFT JOIN ir_lang AS l ON l.id = u.language '
        "WHERE u.login = 'danhgia'")
    assert len(users) == 1
    user, lang, password_hash = users[0]
    assert lang == 'vi' and password_hash
    groups = {r[0] for r in fetch(backend,
            'SELECT g.name FROM "res_user-res_group" AS ug '
            'JOIN res_group AS g ON g.id = ug."group" '
            f'WHERE ug."user" = {user}')}
    assert "Satisfaction Evaluator" in groups
    urls = fetch(backend,
        'SELECT survey_base_url FROM satisfaction_configuration')
    assert all(not url for url, in urls)

    check_followups(backend, answers, now)

    # a second run gives invitations to the new dossiers only
    before = {r['id']: r for r in records}
    run_demo(backend, '--dossiers', '60', '--seed', '3', *PERIOD)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    records = check_invitations(backend, now)
    check_responses(backend, records)
    for r in records:
        if r['id'] in before:
            old = before[r['id']]
            assert (r['state'], r['answered'], r['token_hash']) == (
                old['state'], old['answered'], old['token_hash'])
    assert fetch(backend,
        "SELECT COUNT(*) FROM res_user WHERE login = 'danhgia'")[0][0] == 1


def check_followups(backend, answers, now):
    """Every answer rated 2 or less overall (the lowest rating without an
    overall one) has its follow-up in the register, handled in every
    state; some re-rated; one appeal accepted and one refused"""
    overall, lowest = {}, defaultdict(lambda: 6)
    for response, code, kind, *_, value, _, _, _, _ in answers:
        if kind == 'rating' and value is not None:
            lowest[response] = min(lowest[response], value)
            if code == 'overall':
                overall[response] = value
    responses = {r for r in lowest} | set(overall)
    unhappy = {r for r in responses
        if overall.get(r, lowest[r]) <= 2}
    followups = fetch(backend,
        'SELECT origin, state, timeliness, contact_phone, dossier, '
        'deadline_date, answered_date, received_date '
        "FROM one_stop_feedback WHERE channel = 'survey' "
        "AND origin LIKE 'satisfaction.response,%'")
    by_response = {int(r[0].split(',')[1]): r for r in followups}
    assert len(by_response) == len(followups)
    assert set(by_response) == unhappy
    states = Counter(r[1] for r in followups)
    for state in ['received', 'processing', 'answered', 'closed']:
        assert states[state], states
    assert any(r[2] == 'late' for r in followups)
    assert any(r[2] == 'on_time' for r in followups)
    # no dossier named, no phone (the demo's citizens leave none)
    assert all(r[3] is None and r[4] is None for r in followups)
    # open past the deadline: overdue ones exist
    today = now.date()
    assert any(r[1] in {'received', 'processing'}
        and dt.date.fromisoformat(str(r[5])) < today for r in followups)
    reratings = fetch(backend,
        'SELECT r.response, r.value, r.first_value, f.rating, '
        'r.submitted_date, f.answered_date '
        'FROM satisfaction_followup_rating AS r '
        'JOIN one_stop_feedback AS f ON f.id = r.feedback')
    assert reratings
    for response, value, first, rating, submitted, answered in reratings:
        assert rating == str(value)
        assert first == overall.get(response, lowest[response])
        assert as_datetime(answered) <= as_datetime(submitted) < now
    appeals = fetch(backend,
        'SELECT a.state, r.excluded, a.decision_reason '
        'FROM satisfaction_response_appeal AS a '
        'JOIN satisfaction_response AS r ON r.id = a.response')
    assert sorted((a[0], bool(a[1])) for a in appeals) == [
        ('accepted', True), ('refused', False)]
    assert all(a[2] for a in appeals)
