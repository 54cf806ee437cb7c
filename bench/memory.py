#!/usr/bin/env python3
# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Peak memory of the demo generator (one-stop-demo) against its size.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python bench/memory.py --dossiers 1000000

The demo generator must stream: its peak resident set size (RSS) must not
grow with the number of dossiers.  This benchmark:

1. creates one database with ``--modules`` (default public_satisfaction,
   whose demo hook adds the invitations, responses and CCHC scorecards)
   activated with trytond-admin (and Vietnamese), on SQLite (a file in a
   temporary directory; the default: what ``bin/demo`` uses) or, with
   ``--backend postgresql``, on PostgreSQL (``TRYTOND_DATABASE__URI``);
2. runs ``one-stop-demo --dossiers N`` as a child process on a fresh copy
   of that database, first with ``--baseline`` dossiers (default 1,000: the
   memory of the code, the pool and the reference data) then with
   ``--dossiers`` (default 1,000,000), reading the child's RSS every
   ``--interval`` seconds from /proc and its peak (``ru_maxrss`` of
   ``wait4``, the same as VmHWM) at the end;
3. prints for each run the peak RSS, the highest RSS in each tenth of the
   run (flat when it streams), the time and the rate, the ratio of the peaks
   (subject / baseline), the counts of the database, and removes the
   databases unless ``--keep``.

With ``--code DIR`` (a checkout of another commit, e.g. the code before a
change) the template is activated and the demo run with the ``addons/`` and
``one_stop_tools/`` of DIR loaded before the installed ones.

The survey pages' worker memory under load is measured by
bench/survey_load.py (VmHWM of each gunicorn worker).
"""
import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import log  # noqa: E402

AIM_RATIO = 1.5  # streaming: the peak may not grow much with the size


def vm_rss(pid):
    try:
        with open(f'/proc/{pid}/status') as fp:
            for line in fp:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        return None


def demo_command(code=None):
    "The command of one-stop-demo, loading the code of the checkout first"
    if not code:
        return benchlib.script('one-stop-demo')
    code = os.path.abspath(code)
    addons = os.path.join(code, 'addons')
    return [sys.executable, '-c',
        'import sys, trytond.modules; '
        f'sys.path.insert(0, {code!r}); '
        f'trytond.modules.__path__.insert(0, {addons!r}); '
        'from one_stop_tools.demo import main; sys.exit(main())']


class Backend:

    def __init__(self, kind, directory, modules, database, code=None):
        self.code = code
        self.kind = kind
        self.directory = directory
        self.modules = modules
        self.template = database
        self.config = os.path.join(directory, 'trytond.conf')
        if kind == 'sqlite':
            benchlib.write_config(self.config,
                {'database': {'path': directory}}, uri='sqlite://')
        else:
            benchlib.write_config(self.config)

    def path(self, database):
        return os.path.join(self.directory, database + '.sqlite')

    def create_template(self):
        if self.kind == 'sqlite':
            open(self.path(self.template), 'wb').close()
            env = benchlib.clean_env()
            passfile = os.path.join(self.directory, 'admin.pass')
            with open(passfile, 'w') as fp:
                fp.write(benchlib.ADMIN_PASSWORD + '\n')
            env['TRYTONPASSFILE'] = passfile
            command = [*benchlib.admin_command(self.addons()),
                '-c', self.config,
                '-d', self.template, '--all', '--activate-dependencies',
                '--email', 'admin@example.com', '-u', *self.modules,
                '-l', 'vi']
            result = subprocess.run(command, env=env,
                stdin=subprocess.DEVNULL, capture_output=True, text=True)
            if result.returncode:
                raise RuntimeError(
                    "trytond-admin failed:\n"
                    + (result.stdout + result.stderr)[-5000:])
        else:
            benchlib.create_database(self.template, self.config,
                modules=self.modules, addons=self.addons())

    def addons(self):
        return os.path.join(self.code, 'addons') if self.code else None

    def copy(self, database):
        if self.kind == 'sqlite':
            shutil.copyfile(self.path(self.template), self.path(database))
        else:
            benchlib.admin_execute(
                f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')

    def drop(self, database):
        if self.kind == 'sqlite':
            if os.path.exists(self.path(database)):
                os.remove(self.path(database))
        else:
            benchlib.drop_database(database)

    def size(self, database):
        if self.kind == 'sqlite':
            return os.path.getsize(self.path(database))
        import psycopg
        with psycopg.connect(benchlib.db_uri('postgres')) as conn:
            return conn.execute(
                'SELECT pg_database_size(%s)', (database,)).fetchone()[0]

    def counts(self, database):
        tables = ['one_stop_dossier', 'one_stop_dossier_event',
            'satisfaction_invitation', 'satisfaction_response',
            'satisfaction_response_answer']
        result = {}
        if self.kind == 'sqlite':
            conn = sqlite3.connect(self.path(database))
            try:
                for table in tables:
                    try:
                        result[table] = conn.execute(
                            f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    except sqlite3.OperationalError:
                        pass
            finally:
                conn.close()
        else:
            import psycopg
            with psycopg.connect(benchlib.db_uri(database)) as conn:
                for table in tables:
                    try:
                        result[table] = conn.execute(
                            f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    except psycopg.Error:
                        conn.rollback()
        return result


def run_demo(backend, database, dossiers, batch, interval, seed, log_path):
    """Run one-stop-demo; return (peak KiB, samples [(s, KiB)], seconds,
    output)"""
    env = benchlib.clean_env()
    command = [*demo_command(backend.code), '-c', backend.config,
        '-d', database, '--dossiers', str(dossiers), '--seed', str(seed),
        '--batch', str(batch), '--start', '2024-01-01',
        '--end', '2026-06-30']
    samples = []
    begin = time.monotonic()
    with open(log_path, 'w') as output:
        process = subprocess.Popen(command, env=env,
            stdin=subprocess.DEVNULL, stdout=output,
            stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample():
            while not done.wait(interval):
                rss = vm_rss(process.pid)
                if rss:
                    # with how far the output went: the phase of the run
                    samples.append((time.monotonic() - begin, rss,
                            os.path.getsize(log_path)))
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    seconds = time.monotonic() - begin
    with open(log_path, errors='replace') as fp:
        text = fp.read()
    if process.returncode:
        raise RuntimeError(
            f"one-stop-demo failed ({process.returncode}):\n{text[-5000:]}")
    # ru_maxrss is in KiB on Linux
    return usage.ru_maxrss, samples, seconds, text


def phase_of_peak(samples, text):
    "The last line of output (not a progress bar) before the highest sample"
    if not samples:
        return None
    _, rss, offset = max(samples, key=lambda s: s[1])
    head = text.encode('utf-8', 'replace')[:offset].decode('utf-8', 'replace')
    lines = [line.strip() for line in head.replace('\r', '\n').split('\n')
        if line.strip() and '%|' not in line]
    return rss, (lines[-1] if lines else '(start)')


def tenths(samples, seconds):
    "The highest RSS (MiB) sampled in each tenth of the run"
    result = []
    for tenth in range(10):
        low, high = tenth * seconds / 10, (tenth + 1) * seconds / 10
        inside = [rss for t, rss, _ in samples if low <= t < high]
        result.append(max(inside) / 1024 if inside else None)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--dossiers', type=int, default=1_000_000,
        help="dossiers of the measured run (default: %(default)s)")
    parser.add_argument('--baseline', type=int, default=1000,
        help="dossiers of the baseline run (default: %(default)s)")
    parser.add_argument('--modules', default='public_satisfaction',
        help="modules activated, comma-separated (default: %(default)s; "
        "one_stop: the host's generator alone)")
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        default='sqlite')
    parser.add_argument('--batch', type=int, default=1000)
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--interval', type=float, default=1.0,
        help="seconds between two readings of the RSS")
    parser.add_argument('--code', metavar='DIR',
        help="a checkout whose addons/ and one_stop_tools/ are run instead "
        "of the installed ones (e.g. the commit before a change)")
    parser.add_argument('--keep', action='store_true')
    options = parser.parse_args()
    modules = [m for m in options.modules.split(',') if m]
    directory = tempfile.mkdtemp(prefix='bench_memory_')
    template = f'bench_memory_{os.getpid()}'
    backend = Backend(
        options.backend, directory, modules, template, code=options.code)
    if options.backend == 'postgresql':
        benchlib.ensure_postgresql()  # started when down, and said so
    log(benchlib.machine())
    log(f"backend {options.backend}"
        + (f" (files in {directory})" if options.backend == 'sqlite'
            else f" ({benchlib.URI.split('@')[-1]})")
        + f"; modules {', '.join(modules)} (+ dependencies), vi"
        + (f"; code of {os.path.abspath(options.code)}" if options.code
            else ''))
    databases = [template]
    try:
        begin = time.perf_counter()
        backend.create_template()
        log(f"template database {template} activated in "
            f"{time.perf_counter() - begin:.1f} s")
        results = {}
        for label, count in [('baseline', options.baseline),
                ('subject', options.dossiers)]:
            database = f'{template}_{label}'
            databases.append(database)
            backend.copy(database)
            log(f"== {label}: one-stop-demo --dossiers {count:,}")
            peak, samples, seconds, text = run_demo(
                backend, database, count, options.batch, options.interval,
                options.seed, os.path.join(directory, f'{label}.log'))
            summary = [line for line in text.splitlines()
                if 'dossiers created' in line]
            plugin = [line for line in text.splitlines()
                if line.startswith('satisfaction:') and 'answered' in line
                or line.startswith('reform evaluation:')]
            results[label] = peak
            log(f"  peak RSS {peak / 1024:.0f} MiB in {seconds:.0f} s "
                f"({count / seconds:.0f} dossiers/s overall)")
            if samples:
                log("  highest RSS sampled in each tenth of the run: "
                    + ' '.join('-' if x is None else f'{x:.0f}'
                        for x in tenths(samples, seconds)) + " MiB")
                rss, line = phase_of_peak(samples, text)
                log(f"  highest sample ({rss / 1024:.0f} MiB) after the "
                    f"output line: {line[:150]}")
            for line in summary[-1:] + plugin[:2]:
                log(f"  {line.strip()}")
            counts = backend.counts(database)
            log("  rows: " + ', '.join(
                    f'{k} {v:,}' for k, v in counts.items()))
            log(f"  database size {backend.size(database) / 2 ** 20:.0f} MiB")
            if not options.keep:
                backend.drop(database)
        ratio = results['subject'] / results['baseline']
        log("== summary")
        log(f"  peak RSS at {options.dossiers:,} dossiers "
            f"{results['subject'] / 1024:.0f} MiB, at {options.baseline:,} "
            f"{results['baseline'] / 1024:.0f} MiB: ratio {ratio:.2f} -> "
            + ('streams (met)' if ratio <= AIM_RATIO
                else f'GROWS with the size (over {AIM_RATIO})'))
    finally:
        if options.keep:
            log(f"kept {', '.join(databases)} ({directory})")
        else:
            for database in databases:
                try:
                    backend.drop(database)
                except Exception as error:  # noqa: BLE001 - only reported
                    log(f"could not drop {database}: {error}")
            shutil.rmtree(directory, ignore_errors=True)
            log("dropped the databases")


if __name__ == '__main__':
    main()
