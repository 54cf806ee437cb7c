# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Crash safety of the survey answers on a real trytond (PostgreSQL only).

- trytond killed (SIGKILL) while citizens are answering: once trytond is
  started again on the same database, every answer acknowledged (200) is
  there exactly once with all its lines, no response exists without its
  answers, and the requests cut by the crash left nothing or a whole
  response (sent again, they give 200 or 409 accordingly).
- PostgreSQL restarted under load (restart -m fast; stop -m immediate, a
  few seconds down, start: crash recovery) on a throwaway cluster (root
  only: pg_createcluster), serving a copy (pg_dump) of the database of the
  first test: trytond recovers by itself within a bounded time, the
  answers cut by the outage are posted again, and every answer is stored
  exactly once.

Each request is recorded (token, start, end, HTTP status or the connection
error) and the figures are printed (run pytest with -s to see them).

trytond takes its connections from a psycopg_pool ConnectionPool (trytond
does not set its getconn timeout, 30 s, nor its reconnection, with an
exponential backoff from 1 s): a request arriving while PostgreSQL is down
waits for a connection, the transactions cut by the restart end in the 503
page of routes._busy once a connection comes back.
"""
import collections
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import (
    TrytondServer, _clean_env, _free_port, _script, _wait_ready,
    backend_name, database_uri, start_server, stop_server)
from test_rpc_access import unique_agency_code
from survey_world import VALID, Browser, Direct

pytestmark = pytest.mark.skipif(
    backend_name() != 'postgresql',
    reason="crash safety is tested on PostgreSQL only: it needs concurrent "
    "writers and a database server to restart (set "
    "TRYTOND_DATABASE__URI=postgresql://...)")

MODULES = ['public_satisfaction']
# Many posts from few addresses, some tokens posted again: no rate limit
LIMITS = {'public_satisfaction': {
        'survey_posts': 1000000, 'token_posts': 1000}}
THREADS = 6
KILL_TOKENS = 150
KILL_AFTER = 50  # successes before the SIGKILL
SPARE_TOKENS = 5  # never sent before the restart
PG_TOKENS = 150
RESTART_AFTER = 40  # successes before the restart of PostgreSQL
LATE_THREADS = 4
OUTAGE = 3  # seconds PostgreSQL stays down (immediate mode)
RECOVERY_BOUND = 30  # seconds after PostgreSQL is up again
STREAM_DEADLINE = 90  # seconds for a whole stream
RETRY_PAUSE = 0.2  # a citizen waits a little before pressing again


# --- helpers -----------------------------------------------------------------

def spawn(server, mode='a'):
    "Start trytond on the server's database and configuration"
    assert not server.alive()
    with open(server.log_path, mode) as log:
        log.write('--- started by test_crash_safety ---\n')
        log.flush()
        server.process = subprocess.Popen(
            [*_script('trytond'), '-c', server.config_path,
                '-d', server.database],
            env=_clean_env(server.directory), stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT)
    _wait_ready(server)


def copy_server(source, source_uri, uri, directory):
    """Copy the database of source into the PostgreSQL of uri (pg_dump) and
    serve it with trytond: a TrytondServer like source's, without a second
    activation of the modules"""
    import psycopg
    database = source.database + '_copy'
    with psycopg.connect(uri.rstrip('/') + '/postgres',
            autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}" TEMPLATE template0 '
            "ENCODING 'unicode'")
    dump = _run('pg_dump', '--no-owner', '--no-privileges',
        '-d', source_uri.rstrip('/') + '/' + source.database, text=False)
    _run('psql', '-q', '-X', '-v', 'ON_ERROR_STOP=1',
        '-d', uri.rstrip('/') + '/' + database, input=dump.stdout,
        text=False)
    os.makedirs(directory, exist_ok=True)
    port = _free_port()
    with open(source.config_path) as fp:
        config = fp.read()
    config = re.sub(r'(?m)^uri = .*$', lambda m: f'uri = {uri}', config)
    config = re.sub(
        r'(?m)^listen = .*$', f'listen = 127.0.0.1:{port}', config)
    config_path = os.path.join(directory, 'trytond.conf')
    with open(config_path, 'w') as fp:
        fp.write(config)
    server = TrytondServer(
        url=f'http://127.0.0.1:{port}', database=database,
        config_path=config_path, backend='postgresql',
        modules=source.modules, directory=directory,
        log_path=os.path.join(directory, 'trytond.log'))
    spawn(server, 'w')
    return server


def forget_direct(server):
    "Close the connections of this process (Direct) to the server's database"
    try:
        from trytond.backend.postgresql.database import Database
    except ImportError:
        return
    database = Database._databases[os.getpid()].get(server.database)
    if database is not None:
        database.close()


def query(uri, database, sql, params=None):
    import psycopg
    with psycopg.connect(uri.rstrip('/') + '/' + database) as conn:
        return conn.execute(sql, params).fetchall()


def make_tokens(server, count):
    "Return {token: dossier id} of count dossiers whose result was returned"
    admin = server.client()
    agency_id, = admin.model('one_stop.agency').create([{
                'name': "Sở Tư pháp", 'code': unique_agency_code(),
                'kind': 'department'}])
    procedure_id, = admin.model('one_stop.procedure').create([{
                'code': 'CRASH.' + unique_agency_code(),
                'name': "Cấp phiếu lý lịch tư pháp", 'level': 'province',
                'processing_days': 3}])
    party_id, = admin.model('party.party').create([{'name': "Lê Thị Hoa"}])
    Dossier = admin.model('one_stop.dossier')
    ids = Dossier.create([{
                'applicant': party_id, 'procedure': procedure_id,
                'agency': agency_id, 'channel': 'counter'}] * count)
    Dossier.process(ids)
    Dossier.mark_ready(ids)
    Dossier.return_result(ids)

    def tokens(pool):
        Invitation = pool.get('satisfaction.invitation')
        invitations = Invitation.search([
                ('dossier', 'in', ids),
                ('state', 'in', ['open', 'opened']),
                ])
        return {i.token(): i.dossier.id for i in invitations}
    result = Direct(server).run(tokens, readonly=True)
    assert sorted(result.values()) == sorted(ids)
    return result


def post(browser, token):
    "Post the valid answers of token: a record of the request"
    record = {'token': token, 'start': time.monotonic()}
    try:
        reply = browser.post(f's/{token}', VALID)
        record['status'] = reply.status
    except Exception as error:  # connection refused, reset, ...
        record['status'] = type(error).__name__
    record['end'] = time.monotonic()
    return record


class Stream:
    """Citizens answering from THREADS phones in parallel.

    Each token is posted once; with retry, a token whose post failed (a
    connection error or a 5xx) is put back in the queue and posted again
    later, until it gets 200 or 409."""

    def __init__(self, server, tokens, retry=False):
        self.server = server
        self.queue = collections.deque(tokens)
        self.pending = len(self.queue)
        self.retry = retry
        self.records = []
        self.successes = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.deadline = time.monotonic() + STREAM_DEADLINE
        self.threads = [threading.Thread(target=self._work, daemon=True)
            for _ in range(THREADS)]

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def add_threads(self, count):
        "More phones, from now on"
        threads = [threading.Thread(target=self._work, daemon=True)
            for _ in range(count)]
        self.threads += threads
        for thread in threads:
            thread.start()

    def _work(self):
        browser = Browser(self.server)
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            with self.lock:
                if not self.pending:
                    return
                token = self.queue.popleft() if self.queue else None
            if token is None:
                time.sleep(0.02)
                continue
            record = post(browser, token)
            done = record['status'] in {200, 409} or not self.retry
            with self.lock:
                self.records.append(record)
                self.successes += record['status'] == 200
                if done:
                    self.pending -= 1
                else:
                    self.queue.append(token)
            if not done:
                time.sleep(RETRY_PAUSE)

    def wait_successes(self, count, timeout=60):
        deadline = time.monotonic() + timeout
        while self.successes < count:
            assert time.monotonic() < deadline, self.statuses()
            assert any(t.is_alive() for t in self.threads), self.statuses()
            time.sleep(0.005)

    def join(self):
        for thread in self.threads:
            thread.join(timeout=STREAM_DEADLINE + 150)
            assert not thread.is_alive()
        return self.records

    def statuses(self, records=None):
        return collections.Counter(
            r['status'] for r in (self.records if records is None
                else records))


class Probe:
    "Whether PostgreSQL accepts connections, sampled every 50 ms"

    def __init__(self, uri):
        self.uri = uri.rstrip('/') + '/postgres'
        self.samples = []  # (time, accepted)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=10)

    def _sample(self):
        import psycopg
        while not self._stop.is_set():
            now = time.monotonic()
            try:
                psycopg.connect(self.uri, connect_timeout=2).close()
                accepted = True
            except psycopg.Error:
                accepted = False
            self.samples.append((now, accepted))
            self._stop.wait(0.05)

    def wait_refused(self, timeout=60):
        deadline = time.monotonic() + timeout
        while not any(not accepted for _, accepted in self.samples):
            assert time.monotonic() < deadline, "PostgreSQL never went down"
            time.sleep(0.01)

    def outage(self):
        "Return the first refused sample and the first accepted after all"
        refused = [t for t, accepted in self.samples if not accepted]
        assert refused, "PostgreSQL was never seen down"
        back = min(t for t, accepted in self.samples
            if accepted and t > refused[-1])
        return refused[0], back


def stored(uri, database, dossier_ids):
    """Return {dossier id: [(response id, answers, questions, invitation
    state)]} of the responses of the dossiers"""
    rows = query(uri, database,
        'SELECT r.dossier, r.id, '
        '(SELECT COUNT(*) FROM satisfaction_response_answer a '
        'WHERE a.response = r.id), '
        '(SELECT COUNT(*) FROM satisfaction_question q '
        'WHERE q.questionnaire = r.questionnaire), i.state '
        'FROM satisfaction_response r '
        'JOIN satisfaction_invitation i ON i.id = r.invitation '
        'WHERE r.dossier = ANY(%s)', (list(dossier_ids),))
    result = {d: [] for d in dossier_ids}
    for dossier, response, answers, questions, state in rows:
        result[dossier].append((response, answers, questions, state))
    return result


def assert_whole(uri, database):
    """No response without all its answers, no answered invitation without
    its response, in the whole database; return the figures"""
    (responses, incomplete, answers, orphans, answered, unanswered),  = query(
        uri, database,
        'SELECT '
        '(SELECT COUNT(*) FROM satisfaction_response), '
        '(SELECT COUNT(*) FROM satisfaction_response r WHERE '
        '(SELECT COUNT(*) FROM satisfaction_response_answer a '
        'WHERE a.response = r.id) <> '
        '(SELECT COUNT(*) FROM satisfaction_question q '
        'WHERE q.questionnaire = r.questionnaire)), '
        '(SELECT COUNT(*) FROM satisfaction_response_answer), '
        '(SELECT COUNT(*) FROM satisfaction_response_answer a WHERE NOT '
        'EXISTS (SELECT 1 FROM satisfaction_response r '
        'WHERE r.id = a.response)), '
        "(SELECT COUNT(*) FROM satisfaction_invitation WHERE state = "
        "'answered'), "
        "(SELECT COUNT(*) FROM satisfaction_invitation i WHERE "
        "i.state = 'answered' AND NOT EXISTS ("
        'SELECT 1 FROM satisfaction_response r WHERE r.invitation = i.id))')
    assert incomplete == 0, f"{incomplete} responses without all answers"
    assert orphans == 0
    assert unanswered == 0, f"{unanswered} answered without response"
    assert answered == responses
    return {'responses': responses, 'answers': answers,
        'answered invitations': answered}


def print_figures(title, figures):
    print(f'\n[{title}]')
    for key, value in figures.items():
        print(f'  {key}: {value}')


# --- kill -9 of trytond ----------------------------------------------------

@pytest.fixture(scope='module')
def base_server(tmp_path_factory):
    "The one activation of the modules of the file (on the tests' database)"
    server = start_server(
        str(tmp_path_factory.mktemp('trytond_crash')), MODULES,
        extra_config=LIMITS)
    try:
        yield server
    finally:
        forget_direct(server)
        stop_server(server)


def test_kill_during_stream(base_server):
    server = base_server
    uri = database_uri()
    started = time.monotonic()
    token_dossiers = make_tokens(server, KILL_TOKENS + SPARE_TOKENS)
    tokens = list(token_dossiers)
    spare, tokens = tokens[:SPARE_TOKENS], tokens[SPARE_TOKENS:]
    prepared = time.monotonic()

    stream = Stream(server, tokens).start()
    stream.wait_successes(KILL_AFTER)
    killing = time.monotonic()
    os.kill(server.process.pid, signal.SIGKILL)
    killed = time.monotonic()
    assert server.process.wait(timeout=20) == -signal.SIGKILL
    records = stream.join()

    assert len(records) == len(tokens)  # each sent once
    by_token = {r['token']: r for r in records}
    ok = [t for t, r in by_token.items() if r['status'] == 200]
    failed = [t for t, r in by_token.items() if r['status'] != 200]
    in_flight = [t for t in failed if by_token[t]['start'] < killed]
    assert len(ok) >= KILL_AFTER
    assert failed, "the kill came after the end of the stream"
    # before the kill only 200; after it, only connection errors
    assert {r['status'] for r in records if r['end'] < killing} <= {200}
    assert all(isinstance(by_token[t]['status'], str) for t in failed), (
        stream.statuses())

    spawn(server)
    restarted = time.monotonic()
    found = stored(uri, server.database, token_dossiers.values())
    for token in ok:
        (_, answers, questions, state), = found[token_dossiers[token]]
        assert answers == questions and state == 'answered'
    survivors = 0
    for token in failed:
        responses = found[token_dossiers[token]]
        assert len(responses) <= 1
        for _, answers, questions, state in responses:
            assert answers == questions and state == 'answered'
            survivors += 1
    for token in spare:
        assert not found[token_dossiers[token]]
    figures = assert_whole(uri, server.database)
    assert figures['responses'] == len(ok) + survivors
    # the server agrees over RPC
    admin = server.client()
    assert admin.model('satisfaction.response').search_count(
        [('dossier', 'in', list(token_dossiers.values()))]) == (
        figures['responses'])

    # the server serves again: new tokens, and the cut ones sent again
    browser = Browser(server)
    spare_statuses = [browser.post(f's/{t}', VALID).status for t in spare]
    assert spare_statuses == [200] * SPARE_TOKENS
    with ThreadPoolExecutor(max_workers=THREADS) as executor:
        statuses = list(executor.map(
                lambda t: Browser(server).post(f's/{t}', VALID).status,
                failed))
    again = collections.Counter(statuses)
    for token, status in zip(failed, statuses):
        had = len(found[token_dossiers[token]])
        assert status == (409 if had else 200), (token, had, status)
    found = stored(uri, server.database, token_dossiers.values())
    assert all(len(r) == 1 for r in found.values())
    after = assert_whole(uri, server.database)
    assert after['responses'] == len(token_dossiers)

    print_figures('kill -9 of trytond during a stream', {
            'threads': THREADS,
            'requests sent': len(records),
            'statuses': dict(stream.statuses()),
            'successes before the kill': sum(
                1 for r in records if r['status'] == 200
                and r['end'] < killing),
            'in flight at the kill (cut)': len(in_flight),
            'cut requests whose response was committed': survivors,
            'rows after restart': figures,
            'spare tokens after restart': dict(
                collections.Counter(spare_statuses)),
            'cut tokens posted again': dict(again),
            'rows at the end': after,
            'seconds: preparation / stream / restart': '%.1f / %.1f / %.1f'
            % (prepared - started, killed - prepared, restarted - killed),
            })


# --- restart of PostgreSQL ------------------------------------------------

def _pg_version():
    root = '/usr/lib/postgresql'
    versions = [v for v in (os.listdir(root) if os.path.isdir(root) else [])
        if v.isdigit()]
    return max(versions, key=int) if versions else None


def _run(*args, timeout=120, text=True, input=None):
    try:
        return subprocess.run(args, check=True, capture_output=True,
            text=text, timeout=timeout, input=input)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(
            f"{args[0]} failed: {error.stderr!r:.3000}") from None


def _wait_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('localhost', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL does not listen on {port}")


@pytest.fixture(scope='module')
def throwaway_cluster():
    "A PostgreSQL cluster of its own: (version, name, URI)"
    if os.geteuid() != 0:
        pytest.skip("creating a throwaway PostgreSQL cluster needs root "
            "(pg_createcluster)")
    version = _pg_version()
    if not (shutil.which('pg_createcluster') and shutil.which('pg_ctlcluster')
            and version):
        pytest.skip("pg_createcluster/pg_ctlcluster (postgresql-common) "
            "are not installed")
    import psycopg
    name = f'crashtest_{os.getpid()}'
    port = _free_port()
    _run('pg_createcluster', version, name, '--port', str(port), '--start',
        '--', '--auth-local=trust', '--auth-host=scram-sha-256')
    try:
        _wait_port(port)
        with psycopg.connect(host='/var/run/postgresql', port=port,
                user='postgres', dbname='postgres', autocommit=True) as conn:
            conn.execute("CREATE ROLE tryton LOGIN SUPERUSER "
                "PASSWORD 'tryton'")
        yield version, name, f'postgresql://tryton:tryton@localhost:{port}/'
    finally:
        _run('pg_dropcluster', '--stop', version, name)


@contextlib.contextmanager
def database_uri_set(uri):
    "start_server and stop_server read the URI of the environment"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('TRYTOND_DATABASE__URI', uri)
        patch.delenv('TRYTOND_DATABASE_URI', raising=False)
        yield


@pytest.fixture(scope='module')
def pg_server(throwaway_cluster, base_server, tmp_path_factory):
    "A trytond of its own on a copy of base_server's database"
    version, name, uri = throwaway_cluster
    server = copy_server(base_server, database_uri(), uri,
        str(tmp_path_factory.mktemp('trytond_crashtest')))
    try:
        yield server, version, name, uri
    finally:
        forget_direct(server)
        with database_uri_set(uri):
            stop_server(server)


@pytest.mark.parametrize('mode', ['fast', 'immediate'])
def test_postgresql_restart_during_stream(pg_server, mode):
    """fast: pg_ctlcluster restart -m fast (the sessions are terminated, a
    checkpoint is written); immediate: pg_ctlcluster stop -m immediate (as
    a crash: recovery from the WAL at start), OUTAGE seconds down, then
    start"""
    server, version, cluster, uri = pg_server
    assert server.alive(), server.log()[-5000:]
    token_dossiers = make_tokens(server, PG_TOKENS)
    forget_direct(server)  # no connection of this process across the restart

    probe = Probe(uri).start()
    stream = Stream(server, list(token_dossiers), retry=True).start()
    stream.wait_successes(RESTART_AFTER)
    down = time.monotonic()
    # The phones of the stream are soon all waiting on the requests cut by
    # the restart: LATE_THREADS more arrive while PostgreSQL is down
    if mode == 'fast':
        command = subprocess.Popen(
            ['pg_ctlcluster', version, cluster, 'restart', '-m', 'fast'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe.wait_refused()
        stream.add_threads(LATE_THREADS)
        assert command.wait(timeout=120) == 0
    else:
        _run('pg_ctlcluster', version, cluster, 'stop', '-m', 'immediate')
        probe.wait_refused()
        stream.add_threads(LATE_THREADS)
        time.sleep(OUTAGE)
        _run('pg_ctlcluster', version, cluster, 'start')
    up = time.monotonic()
    records = stream.join()
    probe.stop()

    assert server.alive(), server.log()[-5000:]
    assert not stream.pending, (
        f"trytond did not recover in {STREAM_DEADLINE}s: "
        f"{stream.statuses()}\n" + server.log()[-5000:])
    gone, back = probe.outage()
    assert down <= gone <= back
    failures = [r for r in records if r['status'] not in {200, 409}]
    before = [r for r in records if r['end'] < down]
    assert {r['status'] for r in before} == {200}
    # Recovery, by itself: no failure of a request started later than the
    # bound, and the answers go on
    late = [r for r in failures if r['start'] > back + RECOVERY_BOUND]
    assert not late, collections.Counter(r['status'] for r in late)
    after_back = [r for r in records if r['start'] > back]
    assert sum(r['status'] == 200 for r in after_back) >= 10, (
        "too few answers after the restart to show recovery")

    # Exactly once: one 200 at most per token, 409 only after a failure
    attempts = collections.defaultdict(list)
    for record in sorted(records, key=lambda r: r['start']):
        attempts[record['token']].append(record['status'])
    for token, statuses in attempts.items():
        assert statuses[-1] in {200, 409}, (token, statuses)
        assert statuses.count(200) + statuses.count(409) == 1, (
            token, statuses)
        if statuses[-1] == 409:
            assert len(statuses) > 1, (token, statuses)
    found = stored(uri, server.database, token_dossiers.values())
    for dossier in token_dossiers.values():
        (_, answers, questions, state), = found[dossier]
        assert answers == questions and state == 'answered'
    figures = assert_whole(uri, server.database)

    overlapping = [r for r in records if r['start'] <= back
        and r['end'] >= gone]
    while_gone = [r for r in records if gone <= r['start'] <= back]
    first_after = min(
        (r['end'] for r in records if r['end'] > back and r['status'] == 200),
        default=None)
    last_failure = max((r['end'] for r in failures), default=None)
    title = {'fast': 'pg_ctlcluster restart -m fast',
        'immediate': f'pg_ctlcluster stop -m immediate, {OUTAGE}s, start',
        }[mode]
    print_figures(f'PostgreSQL: {title}, during a stream', {
            'threads': f'{THREADS} + {LATE_THREADS} during the outage',
            'tokens': len(token_dossiers),
            'requests sent': len(records),
            'statuses': dict(stream.statuses()),
            'statuses of the requests overlapping the outage': dict(
                stream.statuses(overlapping)),
            'statuses of the requests started during the outage': dict(
                stream.statuses(while_gone)),
            'tokens posted more than once': sum(
                1 for s in attempts.values() if len(s) > 1),
            'answers after the outage (200)': sum(
                r['status'] == 200 for r in after_back),
            'longest request (s)': '%.2f' % max(
                r['end'] - r['start'] for r in records),
            'rows of these tokens': {
                'responses': sum(len(r) for r in found.values()),
                'answers': sum(a for r in found.values() for _, a, _, _ in r),
                },
            'rows of the database': figures,
            'seconds: pg_ctlcluster command(s)': '%.2f' % (up - down),
            'seconds: PostgreSQL refusing connections (probe)': '%.2f' % (
                back - gone),
            'seconds: first 200 after PostgreSQL is back': (
                '%.2f' % (first_after - back) if first_after else None),
            'seconds: last failure, from PostgreSQL back': (
                '%.2f' % (last_failure - back) if last_failure else None),
            'trytond log: tracebacks so far': server.log().count(
                'Traceback'),
            })
