# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The rate limits hold across worker processes (PostgreSQL only).

The production stack runs trytond's WSGI application under gunicorn with
several worker processes (bin/production), and operations.md describes
several application servers: the counts of the limits are kept in
PostgreSQL (rate_limit.py), so that all of them together admit exactly the
configured limit.  Kept in each process's memory, 4 workers would admit up
to 4 times the limit (measured before: 300 of 400 for a limit of 60).

gunicorn runs 4 sync workers of ``trytond.application:app`` on the
database of the session's server, with the limits below; bursts of
concurrent requests, many more than the workers, are sent to it:

- 400 failed posts (unknown tokens) from one address, for a budget of 60
  failures per address: exactly 60 pages (404), 340 refusals (429);
- 100 valid answers of 100 invitations from one address, for a budget of
  30 valid posts per address: exactly 30 answers stored and thanked (200),
  70 refusals, nothing stored for them;
- 60 wrong pairs typed at the poster for one dossier, from 60 addresses,
  for a budget of 10 per dossier: exactly 10 wrong-pair pages (400), 50
  refusals; then the right pair is refused too.

gunicorn is in the "test" extra (installed by bin/test); without it the
tests fail and say so: a skip would hide the multi-worker check in CI.
"""
import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import _clean_env, _free_port, backend_name
from survey_world import VALID, Browser, build_world, stored

pytestmark = pytest.mark.skipif(
    backend_name() != 'postgresql',
    reason="the limits are shared through PostgreSQL; SQLite is served by "
    "one process (set TRYTOND_DATABASE__URI=postgresql://...)")

WORKERS = 4
CONCURRENCY = 32
LIMITS = {
    'survey_failures': 60, 'failure_window': 600,
    'survey_posts': 30, 'survey_window': 600,
    'poster_attempts': 10, 'poster_window': 600,
    }


def gunicorn_path():
    path = os.path.join(os.path.dirname(sys.executable), 'gunicorn')
    return path if os.path.exists(path) else shutil.which('gunicorn')


class Gunicorn:
    "gunicorn -w WORKERS trytond.application:app on a free port"

    def __init__(self, server, directory):
        self.database = server.database
        self.port = _free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        config_path = os.path.join(directory, 'gunicorn-trytond.conf')
        with open(server.config_path) as source:
            config = source.read()
        config += '\n[public_satisfaction]\n' + ''.join(
            f'{option} = {value}\n' for option, value in LIMITS.items())
        with open(config_path, 'w') as fp:
            fp.write(config)
        env = _clean_env(directory)
        env.update(
            TRYTOND_CONFIG=config_path, TRYTOND_DATABASE_NAMES=self.database)
        self.log_path = os.path.join(directory, 'gunicorn.log')
        with open(self.log_path, 'w') as log:
            self.process = subprocess.Popen(
                [gunicorn_path(), '--workers', str(WORKERS),
                    '--bind', f'127.0.0.1:{self.port}', '--timeout', '120',
                    'trytond.application:app'],
                env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)

    def log(self):
        with open(self.log_path, errors='replace') as fp:
            return fp.read()

    def wait_ready(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited ({self.process.returncode}):\n"
                    + self.log()[-5000:])
            booted = len(re.findall(r'Booting worker', self.log()))
            try:
                with urllib.request.urlopen(
                        f'{self.url}/{self.database}/p', timeout=5) as reply:
                    if reply.status == 200 and booted >= WORKERS:
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


@pytest.fixture(scope='module')
def workers(server, tmp_path_factory):
    if not gunicorn_path():
        pytest.fail("gunicorn is missing: it is in the 'test' extra "
            "(bin/lib.sh ensure_venv test, which bin/test runs)")
    stack = Gunicorn(server, str(tmp_path_factory.mktemp('gunicorn')))
    try:
        stack.wait_ready()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope='module')
def world(admin):
    return build_world(admin, 'WRK')


def burst(requests):
    "Send the requests (callables) 32 at a time; return their statuses"
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as executor:
        return list(executor.map(lambda request: request(), requests))


def phone(workers, address=None):
    return Browser(workers, address=address)


def test_failures_of_one_address(workers):
    wifi = phone(workers)
    statuses = burst([
            lambda i=i: wifi.post(f's/W{i:021d}', VALID).status
            for i in range(400)])
    assert collections.Counter(statuses) == {404: 60, 429: 340}


def test_valid_posts_of_one_address(workers, admin, direct, world):
    dossier_ids, _ = world.return_results(100)
    tokens = direct.tokens(dossier_ids)
    wifi = phone(workers)
    statuses = burst([
            lambda d=d: (d, wifi.post(f's/{tokens[d]}', VALID).status)
            for d in dossier_ids])
    by_status = collections.defaultdict(list)
    for dossier_id, status in statuses:
        by_status[status].append(dossier_id)
    assert {s: len(d) for s, d in by_status.items()} == {200: 30, 429: 70}
    found = stored(admin, dossier_ids)
    assert set(found) == set(by_status[200])


def test_guesses_of_one_dossier(workers, direct, world):
    dossier_id = world.returned()
    dossier_code, short_code = direct.codes(dossier_id)
    alphabet = '3469ACDEFGHJKMNPQRTWXY'
    wrong = [code for code in (
            '3469' + a + b + c + d for a in alphabet[:2] for b in alphabet[:2]
            for c in alphabet[:4] for d in alphabet[:4])
        if code != short_code][:60]
    statuses = burst([
            lambda code=code: phone(workers).post(
                'p', {'dossier': dossier_code, 'code': code}).status
            for code in wrong])
    assert collections.Counter(statuses) == {400: 10, 429: 50}
    reply = phone(workers).post(
        'p', {'dossier': dossier_code, 'code': short_code})
    assert reply.status == 429
