#!/usr/bin/env python3
# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Load benchmark of the citizen's survey pages over HTTP.

Usage (from the repository root; bench/run.sh survey_load, or
bench/survey_load.sh, makes the virtualenv first)::

    .venv/bin/python bench/survey_load.py --invitations 80000 --workers 4

What it needs is installed when missing, and said so: gunicorn (the
project's "production" extra; the "test" extra has it too), wrk (Debian,
bin/lib.sh apt_install; without it the Python load generator is used) and
a running PostgreSQL (the local cluster is started by bin/lib.sh
ensure_postgresql when the default URI does not answer).

The stack: PostgreSQL, ``--workers`` trytond processes under gunicorn
(sync workers, no ``--preload``; each one loads the pool of the database
when it starts, ``TRYTOND_DATABASE_NAMES``) running trytond's WSGI
application, and the load from another process on loopback: wrk (with
bench/survey.lua) or, without wrk or with ``--python-load``, a Python
load generator with one thread per connection.

1. creates ``bench_survey_<pid>`` (or ``--database``), activates
   public_satisfaction with Vietnamese (trytond-admin), inserts
   ``--invitations`` returned dossiers with one open invitation each (SQL;
   the clear tokens derived from the benchmark key as the module does);
2. writes a trytond configuration whose rate limits are far above the load
   (``survey_posts``/``token_posts``: the benchmark measures the capacity
   of the stack, not the limiter, which still counts every answer) and
   starts gunicorn on ``bench/trivial_app.py``: trytond's application plus
   two baseline routes with the same decorators as the survey routes,
   ``/<db>/bench/ping`` (nothing) and ``/<db>/bench/answer/<token>`` (the
   writes of an answer in hand-written SQL);
3. warms every case up, then runs ``--rounds`` rounds of, in turn, each
   ``--duration`` seconds at ``--connections`` concurrent connections:
   ``ping`` (trytond's floor), ``get`` (``GET /<db>/s/<token>``, the
   invitation page), ``form`` (``GET /<db>/s/<token>/form``, the
   questionnaire), ``sql`` (``POST /<db>/bench/answer/<token>``, the
   baseline of the answer) and ``post`` (``POST /<db>/s/<token>`` with a
   valid answer and a new User-Agent each time; a token answers once):
   each request takes the next token of the slice of its case and round
   (WEIGHTS), so that it is a citizen's first;
4. prints per case and round: requests/s of 200 answers, p50/p90/p99
   latency, the other statuses and socket errors, the ratio of the
   throughput to the ping's of the same round (and of the answer to the
   sql baseline of the same round), the median of the rounds, and whether
   the aims are met; checks that the database holds the openings of the
   requests answered 200 and, row for row, what the answers (post and sql,
   warm-ups included) stored: a response each, ANSWER_LINES answer lines
   a response, its invitation answered; prints the peak RSS (VmHWM) of
   every gunicorn worker (the memory benchmark under load);
5. stops gunicorn and drops the database unless ``--keep``.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import log  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# in the order of a round: the baseline of the answer right before it
CASES = ('ping', 'get', 'form', 'sql', 'post')
TOKEN_CASES = ('get', 'form', 'sql', 'post')
LABELS = {
    'ping': 'ping  GET /<db>/bench/ping (baseline)',
    'get': 'get   GET /<db>/s/<token> (invitation)',
    'form': 'form  GET /<db>/s/<token>/form (questions)',
    'sql': 'sql   POST /<db>/bench/answer/<token> (baseline)',
    'post': 'post  POST /<db>/s/<token> (answer)',
    }
# the answer of tests/test_survey_http.py (sipas-short)
ANSWER = {
    'action': 'answer', 'lang': 'vi',
    'q_access': '4', 'q_procedure': '5', 'q_official': '2',
    'q_result': '5', 'q_feedback': 'na', 'q_overall': '4',
    'q_come_back': '1', 'q_agencies': '1',
    'q_comment': "Cán bộ nhiệt tình <b>cảm ơn</b>",
    }
UNLIMITED = 10 ** 9
AIM_POST_RPS = 200
AIM_POST_P99_MS = 100
AIM_POST_RATIO = 0.5


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


# --- the server -------------------------------------------------------------

class Server:
    "gunicorn -w W trivial_app:app on 127.0.0.1"

    def __init__(self, database, config_path, workers, directory,
            worker_class='sync', threads=1, addons=None):
        self.database = database
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.log_path = os.path.join(directory, 'gunicorn.log')
        env = benchlib.clean_env()
        env.update(
            TRYTOND_CONFIG=config_path,
            TRYTOND_DATABASE_NAMES=database,
            PYTHONUNBUFFERED='1')
        if addons:
            env['BENCH_ADDONS'] = os.path.abspath(addons)
        command = [*benchlib.script('gunicorn'),
            '--workers', str(workers), '--bind', f'127.0.0.1:{self.port}',
            '--worker-class', worker_class, '--threads', str(threads),
            '--timeout', '120', '--backlog', '2048',
            '--pythonpath', HERE, 'trivial_app:app']
        self.command = command
        with open(self.log_path, 'w') as log_file:
            self.process = subprocess.Popen(command, env=env,
                stdin=subprocess.DEVNULL, stdout=log_file,
                stderr=subprocess.STDOUT, start_new_session=True)
        self.workers = workers

    def log(self):
        with open(self.log_path, errors='replace') as fp:
            return fp.read()

    def worker_pids(self):
        return benchlib.children(self.process.pid)

    def wait_ready(self, timeout=300):
        deadline = time.monotonic() + timeout
        url = f'{self.url}/{self.database}/bench/ping'
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited ({self.process.returncode}):\n"
                    + self.log()[-5000:])
            booted = len(re.findall(r'Booting worker', self.log()))
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if (response.status == 200
                            and len(self.worker_pids()) >= self.workers
                            and booted >= self.workers):
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(
            f"gunicorn not ready in {timeout} s:\n" + self.log()[-5000:])

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


# --- the load ---------------------------------------------------------------

def run_wrk(server, mode, tokens_file, duration, connections, threads):
    env = dict(os.environ,
        BENCH_MODE=mode, BENCH_DB=server.database,
        BENCH_TOKENS=tokens_file or '', BENCH_THREADS=str(threads),
        BENCH_BODY=urllib.parse.urlencode(ANSWER))
    command = ['wrk', '-t', str(threads), '-c', str(connections),
        '-d', f'{duration}s', '--timeout', '10s',
        '-s', os.path.join(HERE, 'survey.lua'), server.url]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    for line in result.stdout.splitlines():
        if line.startswith('BENCH_RESULT '):
            data = json.loads(line.split(' ', 1)[1])
            return {
                'seconds': data['duration_us'] / 1e6,
                'requests': data['requests'],
                'statuses': {int(k): v for k, v in data['statuses'].items()},
                'errors': sum(data['errors'].values()),
                'p50': data['latency_us']['p50'] / 1000,
                'p90': data['latency_us']['p90'] / 1000,
                'p99': data['latency_us']['p99'] / 1000,
                'max': data['latency_us']['max'] / 1000,
                'wrapped': data['wrapped'],
                }
    raise RuntimeError(
        f"wrk failed ({result.returncode}):\n{result.stdout}\n"
        f"{result.stderr}")


def python_load(options):
    """The load generator without wrk (run in its own process):
    options = {url, database, mode, tokens, duration, connections}"""
    import http.client
    import itertools
    parsed = urllib.parse.urlsplit(options['url'])
    database, mode = options['database'], options['mode']
    tokens = []
    if mode != 'ping':
        with open(options['tokens']) as fp:
            tokens = [t for t in fp.read().split() if t]
    lock = threading.Lock()
    position = itertools.count()
    body = urllib.parse.urlencode(ANSWER).encode()
    latencies, statuses = [], {}
    state = {'errors': 0, 'wrapped': 0}
    stop = time.monotonic() + options['duration']

    def one():
        if mode == 'ping':
            return 'GET', f'/{database}/bench/ping', None, {}
        n = next(position)
        token = tokens[n % len(tokens)]
        if n and n % len(tokens) == 0:
            state['wrapped'] += 1
        path = f'/{database}/s/{token}'
        if mode == 'sql':
            path = f'/{database}/bench/answer/{token}'
        if mode == 'get':
            return 'GET', path, None, {'User-Agent': 'bench'}
        if mode == 'form':
            return 'GET', path + '/form', None, {'User-Agent': 'bench'}
        return 'POST', path, body, {
            'Content-Type': 'application/x-www-form-urlencoded',
            'User-Agent': f'Mozilla/5.0 (bench phone {n})'}

    def loop():
        mine, codes, errors = [], {}, 0
        while time.monotonic() < stop:
            method, path, data, headers = one()
            begin = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(
                    parsed.hostname, parsed.port, timeout=10)
                connection.request(method, path, body=data, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
            except OSError:
                errors += 1
                continue
            mine.append(time.perf_counter() - begin)
            codes[response.status] = codes.get(response.status, 0) + 1
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count
            state['errors'] += errors

    begin = time.monotonic()
    workers = [threading.Thread(target=loop)
        for _ in range(options['connections'])]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.monotonic() - begin
    ms = [x * 1000 for x in latencies]
    return {
        'seconds': seconds, 'requests': len(ms) + state['errors'],
        'statuses': statuses, 'errors': state['errors'],
        'p50': benchlib.percentile(ms, 0.50),
        'p90': benchlib.percentile(ms, 0.90),
        'p99': benchlib.percentile(ms, 0.99),
        'max': max(ms, default=float('nan')),
        'wrapped': state['wrapped'],
        }


def run_python(server, mode, tokens_file, duration, connections):
    options = json.dumps({
            'url': server.url, 'database': server.database, 'mode': mode,
            'tokens': tokens_file, 'duration': duration,
            'connections': connections})
    result = subprocess.run(
        [sys.executable, os.path.abspath(__file__), '--load-generator',
            options], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"load generator failed:\n{result.stderr}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data['statuses'] = {int(k): v for k, v in data['statuses'].items()}
    return data


# --- the benchmark ----------------------------------------------------------

def write_tokens(directory, name, tokens):
    path = os.path.join(directory, name)
    with open(path, 'w') as fp:
        fp.write('\n'.join(tokens) + '\n')
    return path


# shares of the invitations: 3 % to warm up, the rest shared out among the
# cases run in proportion to their weight (about their throughput), each
# share cut into one slice per round, so that every request of a round has
# a token of its own (the first GET of an invitation records the opening,
# the first GET of its form the time the questions were shown; a token
# answers once)
WARM_SHARE = 0.03
WEIGHTS = {'get': 27, 'form': 30, 'sql': 60, 'post': 30}


def split_tokens(tokens, rounds, cases=TOKEN_CASES):
    "Share the tokens out: {'warm-<case>': [...], '<case>': [[...] a round]}"
    cases = [c for c in TOKEN_CASES if c in cases]
    result = {}
    if not cases:
        return result
    warm = int(len(tokens) * WARM_SHARE)
    per_case = warm // len(cases)
    for i, case in enumerate(cases):
        result[f'warm-{case}'] = tokens[i * per_case:(i + 1) * per_case]
    rest = tokens[warm:]
    total = sum(WEIGHTS[c] for c in cases)
    position = 0
    for case in cases:
        count = len(rest) * WEIGHTS[case] // total
        part = rest[position:position + count]
        position += count
        per_round = len(part) // rounds
        if per_round < 100:
            raise SystemExit("--invitations too small for the rounds")
        result[case] = [part[i * per_round:(i + 1) * per_round]
            for i in range(rounds)]
    return result


def ok_rate(result):
    return result['statuses'].get(200, 0) / result['seconds']


def others(result):
    text = ', '.join(f'{code}: {count}'
        for code, count in sorted(result['statuses'].items())
        if code != 200)
    if result['errors']:
        text += (', ' if text else '') + f"socket errors: {result['errors']}"
    if result['wrapped']:
        text += (', ' if text else '') + (
            f"the tokens of the round used up {result['wrapped']} times, "
            "then used again: raise --invitations")
    return text or '-'


def ratio(result, baseline):
    "The throughput of result over baseline's (nan without a baseline)"
    if not baseline or not ok_rate(baseline):
        return float('nan')
    return ok_rate(result) / ok_rate(baseline)


def report_line(label, result, baseline=None, sql=None):
    rate = ok_rate(result)
    text = f"{ratio(result, baseline):5.2f}" if baseline else '    -'
    if sql:
        text += f", to sql {ratio(result, sql):4.2f}"
    log(f"  {label:<5} {rate:8.1f} /s  p50 {result['p50']:7.1f}  "
        f"p90 {result['p90']:7.1f}  p99 {result['p99']:7.1f}  "
        f"max {result['max']:7.1f} ms  ratio {text}  "
        f"({result['statuses'].get(200, 0)} × 200; other: "
        f"{others(result)})")


def count_rows(database):
    "(responses, invitations opened, forms opened) in the database"
    import psycopg
    with psycopg.connect(benchlib.db_uri(database)) as conn:
        return conn.execute("""
            SELECT (SELECT count(*) FROM satisfaction_response),
                (SELECT count(*) FROM satisfaction_invitation
                    WHERE opened_date IS NOT NULL),
                (SELECT count(*) FROM satisfaction_invitation
                    WHERE form_opened_date IS NOT NULL)""").fetchone()


# the answer lines of one response to ANSWER: one a question posted (the
# "not applicable" and the comment included)
ANSWER_LINES = sum(1 for name in ANSWER if name.startswith('q_'))


def answer_rows(database):
    """What the answers stored: {responses, lines, responses whose lines
    are not ANSWER_LINES, invitations answered, responses whose invitation
    is not answered (or has no answered date), flags}"""
    import psycopg
    with psycopg.connect(benchlib.db_uri(database)) as conn:
        row = conn.execute("""
            SELECT (SELECT count(*) FROM satisfaction_response),
                (SELECT count(*) FROM satisfaction_response_answer),
                (SELECT count(*) FROM satisfaction_response r
                    WHERE (SELECT count(*)
                            FROM satisfaction_response_answer a
                            WHERE a.response = r.id) != %s),
                (SELECT count(*) FROM satisfaction_invitation
                    WHERE state = 'answered'),
                (SELECT count(*) FROM satisfaction_response r
                    JOIN satisfaction_invitation i ON i.id = r.invitation
                    WHERE i.state != 'answered'
                        OR i.answered_date IS NULL),
                (SELECT count(*) FROM satisfaction_response_flag)""",
            (ANSWER_LINES,)).fetchone()
    return dict(zip(('responses', 'lines', 'wrong_lines', 'answered',
                'not_closed', 'flags'), row))


def check_answers(database, answered, in_flight):
    """Log the row-for-row check of the answers (post and sql): answered,
    the answers answered 200 (warm-ups included); in_flight, the most
    requests still being answered when the load stopped (connections a
    run: stored, not counted); return whether it holds"""
    rows = answer_rows(database)
    checks = [
        (answered <= rows['responses'] <= answered + in_flight,
            f"{rows['responses']} responses stored for {answered} answers "
            f"answered 200 (warm-ups included) + at most {in_flight} in "
            "flight when a run stopped"),
        (rows['lines'] == rows['responses'] * ANSWER_LINES
            and not rows['wrong_lines'],
            f"{rows['lines']} answer lines = {ANSWER_LINES} a response "
            f"({rows['responses']} x {ANSWER_LINES} = "
            f"{rows['responses'] * ANSWER_LINES}; "
            f"{rows['wrong_lines']} responses with another number)"),
        (rows['answered'] == rows['responses'] and not rows['not_closed'],
            f"{rows['answered']} invitations answered for "
            f"{rows['responses']} responses ({rows['not_closed']} responses "
            "whose invitation is not closed with its date)"),
        ]
    for held, text in checks:
        log(f"check: {'ok' if held else 'MISMATCH'}: {text}")
    log(f"check: {rows['flags']} interference flags "
        f"({rows['flags'] / rows['responses']:.2f} a response)"
        if rows['responses'] else "check: no response stored")
    return all(held for held, _ in checks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--invitations', type=int, default=80000,
        help="open invitations generated (default: %(default)s): 27 %% for "
        "get, 30 %% for form, 40 %% for post, a slice a round, one token a "
        "request")
    parser.add_argument('--workers', type=int, default=4,
        help="gunicorn worker processes (default: %(default)s)")
    parser.add_argument('--connections', type=int, default=8,
        help="concurrent connections of the load (default: %(default)s)")
    parser.add_argument('--duration', type=int, default=10,
        help="seconds of each case in each round (default: %(default)s)")
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--wrk-threads', type=int, default=1)
    parser.add_argument('--cases', default=','.join(CASES),
        help="comma-separated among " + ', '.join(CASES))
    parser.add_argument('--python-load', action='store_true',
        help="the Python load generator even when wrk is installed")
    parser.add_argument('--addons', metavar='DIR',
        help="load the trytond modules of DIR first (the database and the "
        "server), e.g. the code before a change: git archive HEAD "
        "addons/public_satisfaction | tar -x -C /tmp/before, then "
        "--addons /tmp/before/addons")
    parser.add_argument('--database')
    parser.add_argument('--keep', action='store_true',
        help="keep the database (and print the server command)")
    parser.add_argument('--load-generator', help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.load_generator:
        print(json.dumps(python_load(json.loads(options.load_generator))))
        return
    if not benchlib.URI.startswith('postgresql'):
        raise SystemExit("PostgreSQL only: set TRYTOND_DATABASE__URI")
    chosen = {c for c in options.cases.split(',') if c}
    cases = [c for c in CASES if c in chosen]  # in the order of a round
    if chosen - set(CASES) or 'ping' not in chosen:
        raise SystemExit(f"--cases among {CASES}, ping included")
    # what it needs, installed when missing (and said so)
    benchlib.ensure_postgresql()
    benchlib.ensure_extra('gunicorn', 'production')
    use_wrk = False
    if not options.python_load:
        use_wrk = benchlib.ensure_debian('wrk')
        if not use_wrk:
            log("wrk could not be installed: the Python load generator is "
                "used instead")
    database = options.database or f'bench_survey_{os.getpid()}'
    directory = tempfile.mkdtemp(prefix='bench_survey_')
    config_path = benchlib.write_config(
        os.path.join(directory, 'trytond.conf'), {
            # the capacity of the stack, not the limiter, is measured
            'public_satisfaction': {
                'survey_posts': UNLIMITED, 'token_posts': UNLIMITED},
            })

    log(benchlib.machine())
    log("needs: PostgreSQL (running), gunicorn "
        f"{benchlib.version_of('gunicorn')} (the 'production' or 'test' "
        "extra), " + (f"{benchlib.wrk_version()} (Debian package wrk)"
            if use_wrk else "no wrk (--python-load or not installable)"))
    generator = (f'wrk -t{options.wrk_threads}' if use_wrk
        else 'Python threads')
    log(f"load: {generator}, {options.connections} connections, "
        "loopback; server: gunicorn "
        f"{options.workers} sync workers, trytond.application:app + "
        "/bench/ping (bench/trivial_app.py)")
    log("rate limits of the survey set to 10^9 (survey_posts, token_posts):"
        " this measures the capacity of the stack, not the limiter")
    log(f"database {database}")
    server = None
    begin = time.perf_counter()
    if options.addons:
        log(f"modules of {os.path.abspath(options.addons)} loaded first")
    benchlib.create_database(database, config_path, addons=options.addons)
    log(f"created and activated public_satisfaction (+ vi) in "
        f"{time.perf_counter() - begin:.1f} s")
    try:
        begin = time.perf_counter()
        pairs = benchlib.generate_returned(database, options.invitations)
        tokens = [t for _, t in pairs]
        log(f"generated {len(tokens):,} returned dossiers with an open "
            f"invitation in {time.perf_counter() - begin:.1f} s")
        shares = split_tokens(tokens, options.rounds, cases)
        files = {name: write_tokens(directory, name, value)
            for name, value in shares.items() if name.startswith('warm-')}
        round_files = {case: [
                write_tokens(directory, f'{case}-{i}', value)
                for i, value in enumerate(shares[case])]
            for case in TOKEN_CASES if case in shares}

        begin = time.perf_counter()
        server = Server(database, config_path, options.workers, directory,
            addons=options.addons)
        server.wait_ready()
        log(f"gunicorn ready in {time.perf_counter() - begin:.1f} s: "
            f"master {server.process.pid}, workers "
            f"{' '.join(map(str, server.worker_pids()))}")
        log(f"  {' '.join(server.command)}")

        def load(mode, tokens_file, duration):
            if use_wrk:
                return run_wrk(server, mode, tokens_file, duration,
                    options.connections, options.wrk_threads)
            return run_python(server, mode, tokens_file, duration,
                options.connections)

        log("warm-up: 3 s of each case")
        warm = {case: load(case, files.get(f'warm-{case}'), 3)
            for case in cases}

        results = {case: [] for case in cases}
        for n in range(options.rounds):
            log(f"round {n + 1}/{options.rounds} ({options.duration} s "
                "each; requests/s of 200 answers, latency in ms, ratio to "
                "the ping of this round; of the answer to the sql of this "
                "round too)")
            for case in cases:
                tokens_file = (round_files[case][n]
                    if case in round_files else None)
                result = load(case, tokens_file, options.duration)
                results[case].append(result)
                report_line(case, result,
                    None if case == 'ping' else results['ping'][-1],
                    results['sql'][-1] if case == 'post' and 'sql' in results
                    else None)
        workers = {pid: benchlib.vm_hwm(pid) for pid in server.worker_pids()}
        master = benchlib.vm_hwm(server.process.pid)

        log("")
        log(f"== summary: median of {options.rounds} rounds, "
            f"{options.connections} connections, {options.workers} workers")
        summary = {}
        for case in cases:
            rates = [ok_rate(r) for r in results[case]]
            ratios = [ratio(r, p)
                for r, p in zip(results[case], results['ping'])]
            summary[case] = {
                'rate': benchlib.median(rates),
                'ratio': benchlib.median(ratios),
                'rates': rates,
                **{k: benchlib.median([r[k] for r in results[case]])
                    for k in ('p50', 'p90', 'p99')},
                }
            s = summary[case]
            log(f"  {LABELS[case]:<44} {s['rate']:8.1f} /s  "
                f"p50 {s['p50']:6.1f}  p90 {s['p90']:6.1f}  "
                f"p99 {s['p99']:6.1f} ms  ratio to ping {s['ratio']:.2f}"
                f"  (rounds: {' '.join(f'{x:.0f}' for x in rates)} /s)")
        to_sql = None
        if 'post' in results and 'sql' in results:
            # the answer against the same writes in hand-written SQL, round
            # by round (the two run one after the other)
            per_round = [ratio(r, b)
                for r, b in zip(results['post'], results['sql'])]
            to_sql = benchlib.median(per_round)
            log(f"  answer / sql baseline (throughput, median of the rounds)"
                f": {to_sql:.2f} (rounds: "
                f"{' '.join(f'{x:.2f}' for x in per_round)})")
        stored, opened, forms = count_rows(database)
        for case, found, what in [
                ('get', opened, 'invitations opened (by a get or a form)'),
                ('form', forms, 'questionnaires shown')]:
            if case in results:
                done = sum(r['statuses'].get(200, 0) for r in results[case])
                log(f"check: {found} {what} in the database, {done} "
                    f"{case} answered 200 in the rounds (+ the warm-up's)")
        if 'post' in summary:
            s = summary['post']
            log("aims of the POST (median of the rounds):")
            log(f"  >= {AIM_POST_RPS} answers/s: {s['rate']:.0f} -> "
                f"{'met' if s['rate'] >= AIM_POST_RPS else 'MISSED'}")
            log(f"  p99 < {AIM_POST_P99_MS} ms: {s['p99']:.1f} -> "
                f"{'met' if s['p99'] < AIM_POST_P99_MS else 'MISSED'}")
            if to_sql is None:
                log(f"  >= {AIM_POST_RATIO:.0%} of the throughput of the "
                    "same writes in SQL: not measured (add sql to --cases)")
            else:
                log(f"  >= {AIM_POST_RATIO:.0%} of the throughput of the "
                    f"same writes in SQL: {to_sql:.2f} -> "
                    f"{'met' if to_sql >= AIM_POST_RATIO else 'MISSED'}")
            log(f"  (ratio to the ping, which writes nothing: "
                f"{s['ratio']:.2f})")
        answering = [c for c in ('post', 'sql') if c in results]
        if answering:
            answered = sum(r['statuses'].get(200, 0)
                for case in answering for r in results[case])
            log(f"check: {stored} responses stored for {answered} "
                f"{' and '.join(answering)} answered 200 in the rounds "
                "(+ the warm-up's)")
            warmed = sum(warm[case]['statuses'].get(200, 0)
                for case in answering)
            runs = len(answering) * (options.rounds + 1)
            if not check_answers(database, answered + warmed,
                    options.connections * runs):
                log("check: the rows do not match the answers: see above "
                    "(a request cut by a timeout may be stored unanswered)")
        log("peak RSS (VmHWM) under this load: workers "
            + ', '.join(f'{pid}: {kib / 1024:.0f} MiB'
                for pid, kib in sorted(workers.items()) if kib)
            + (f"; master {master / 1024:.0f} MiB" if master else ''))
    finally:
        if server:
            server.stop()
        if options.keep:
            log(f"kept database {database} (configuration {config_path})")
        else:
            from benchlib import drop_database
            drop_database(database)
            shutil.rmtree(directory, ignore_errors=True)
            log(f"dropped database {database}")


if __name__ == '__main__':
    main()
