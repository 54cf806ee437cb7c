"""End-to-end test of the one-stop-demo console command.

A fresh database is created with trytond-admin (module one_stop), filled
with ``one-stop-demo --dossiers 300 --seed 1`` and checked with plain SQL;
a second run with ``--dossiers 50`` must add dossiers only.

Backends: SQLite always; PostgreSQL too when TRYTOND_DATABASE__URI is a
postgresql:// URI (e.g. postgresql://tryton:tryton@localhost:5432/), on a
uniquely named database created and dropped here.  The PostgreSQL variant
is skipped when that variable is not a PostgreSQL URI, psycopg is missing
or the server is not reachable.
"""
import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

BIN = Path(sys.executable).parent
TZ = ZoneInfo('Asia/Ho_Chi_Minh')
EXAMPLE_PG = 'postgresql://tryton:tryton@localhost:5432/'
CODE = re.compile(r'^([0-9A-Z.]+)-(\d{6})-(\d{4})$')
AGENCIES = [
    "Sở Kế hoạch và Đầu tư",
    "Sở Tư pháp",
    "Sở Tài nguyên và Môi trường",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Lao động - Thương binh và Xã hội",
    "Ủy ban nhân dân huyện Hàm Thuận Bắc",
    "Ủy ban nhân dân thị xã La Gi",
    "Ủy ban nhân dân huyện Hàm Thuận Nam",
    "Ủy ban nhân dân huyện Bắc Bình",
    "Ủy ban nhân dân thành phố Phan Thiết",
    "Ủy ban nhân dân huyện Tuy Phong",
    "Trung tâm Hành chính công tỉnh Bình Thuận",
    ]
USERS = ['canbo', 'canbo.tuphap', 'giamsat']


def command(name, module):
    path = BIN / name
    if path.exists():
        return [str(path)]
    found = shutil.which(name)
    if found:
        return [found]
    return [sys.executable, '-m', module]


def pg_uri():
    "The PostgreSQL URI of TRYTOND_DATABASE__URI (None if it is not one)"
    uri = os.environ.get('TRYTOND_DATABASE__URI', '')
    if uri.startswith('postgresql'):
        return uri if uri.endswith('/') else uri + '/'
    return None


class SQLiteBackend:
    def __init__(self, tmp_path):
        self.name = 'demo'
        self.path = tmp_path
        self.uri = 'sqlite://'
        (tmp_path / f'{self.name}.sqlite').touch()

    def connect(self):
        return sqlite3.connect(self.path / f'{self.name}.sqlite')

    def drop(self):
        pass


class PostgreSQLBackend:
    def __init__(self, tmp_path):
        self.uri = pg_uri()
        if not self.uri:
            pytest.skip("TRYTOND_DATABASE__URI is not a PostgreSQL URI "
                f"(e.g. {EXAMPLE_PG})")
        psycopg = pytest.importorskip('psycopg')
        self.psycopg = psycopg
        self.path = tmp_path
        self.name = f'test_demo_{os.getpid()}_{uuid.uuid4().hex[:8]}'
        try:
            with psycopg.connect(self.uri + 'postgres', autocommit=True,
                    connect_timeout=5) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}" '
                    "ENCODING 'UTF8' TEMPLATE template0")
        except psycopg.OperationalError as exception:
            pytest.skip(f"PostgreSQL not reachable: {exception}")

    def connect(self):
        return self.psycopg.connect(self.uri + self.name)

    def drop(self):
        with self.psycopg.connect(self.uri + 'postgres',
                autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" '
                'WITH (FORCE)')


def as_datetime(value):
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def as_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def local(value):
    return (value.replace(tzinfo=dt.UTC).astimezone(TZ)
        .replace(tzinfo=None))


def demo_database(request, tmp_path_factory, module, prefix=''):
    """Yield a backend whose fresh database has module activated: SQLite or
    PostgreSQL after request.param; it is dropped afterwards."""
    tmp_path = tmp_path_factory.mktemp(prefix + request.param)
    if request.param == 'sqlite':
        backend = SQLiteBackend(tmp_path)
    else:
        backend = PostgreSQLBackend(tmp_path)
    config = tmp_path / 'trytond.conf'
    config.write_text(
        "[database]\n"
        f"uri = {backend.uri}\n"
        f"path = {tmp_path}\n")
    passfile = tmp_path / 'admin-password'
    passfile.write_text('admin-demo-pass\n')
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')}
    env['TRYTOND_DATABASE__URI'] = backend.uri
    env['TRYTONPASSFILE'] = str(passfile)
    backend.config = config
    backend.env = env
    try:
        subprocess.run(
            command('trytond-admin', 'trytond.bin.trytond_admin') + [
                '-c', str(config), '-d', backend.name,
                '-u', module, '--activate-dependencies',
                '--email', 'admin@example.com'],
            env=env, check=True, capture_output=True, timeout=600)
        yield backend
    finally:
        backend.drop()


@pytest.fixture(params=['sqlite', 'postgresql'], scope='module')
def database(request, tmp_path_factory):
    yield from demo_database(request, tmp_path_factory, 'one_stop')


def run_demo(backend, *args):
    result = subprocess.run(
        command('one-stop-demo', 'one_stop_tools.demo') + [
            '-c', str(backend.config), '-d', backend.name, *args],
        env=backend.env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def fetch(backend, query):
    conn = backend.connect()
    try:
        cursor = conn.cursor()
        cursor.execute(query)
        return cursor.fetchall()
    finally:
        conn.close()


def counts(backend):
    return {
        'agencies': fetch(backend,
            'SELECT COUNT(*) FROM one_stop_agency')[0][0],
        'counters': fetch(backend,
            'SELECT COUNT(*) FROM one_stop_counter')[0][0],
        'procedures': fetch(backend,
            'SELECT COUNT(*) FROM one_stop_procedure')[0][0],
        'holidays': fetch(backend,
            'SELECT COUNT(*) FROM one_stop_holiday')[0][0],
        'users': fetch(backend, 'SELECT COUNT(*) FROM res_user')[0][0],
        'dossiers': fetch(backend,
            'SELECT COUNT(*) FROM one_stop_dossier')[0][0],
        }


def check_dossiers(backend):
    rows = fetch(backend,
        'SELECT d.code, d.received_date, d.channel, a.code, a.kind, '
        'a.start_date, a.end_date, d.state, d.appointment_date, '
        'd.ready_date, d.returned_date, d.timeliness, d.return_method, '
        'd.counter, c.agency '
        'FROM one_stop_dossier AS d '
        'JOIN one_stop_agency AS a ON a.id = d.agency '
        'LEFT JOIN one_stop_counter AS c ON c.id = d.counter')
    codes = [r[0] for r in rows]
    assert len(codes) == len(set(codes))
    for (code, received, channel, agency, kind, start, end, state,
            appointment, ready, returned, timeliness, return_method,
            counter, counter_agency) in rows:
        match = CODE.match(code)
        assert match, code
        received = local(as_datetime(received))
        assert match.group(1) == agency
        assert match.group(2) == received.strftime('%y%m%d'), code
        # office hours on a working day
        assert received.weekday() < 5 or received.date() in {
            dt.date(2024, 5, 4), dt.date(2025, 4, 26)}, code
        assert dt.time(7) <= received.time() <= dt.time(17), code
        if kind == 'district_committee':
            assert received.date() <= dt.date(2025, 6, 30), code
        start, end = as_date(start), as_date(end)
        assert not start or start <= received.date(), code
        assert not end or received.date() <= end, code
        if counter:
            assert channel == 'counter' and counter_agency is not None
        if channel == 'postal':
            assert return_method == 'postal'
        appointment = as_date(appointment)
        ready, returned = as_datetime(ready), as_datetime(returned)
        if state in {'ready', 'returned'}:
            assert ready and local(ready) >= received, code
            finished = local(ready).date()
            expected = ('early' if finished < appointment
                else 'on_time' if finished == appointment else 'late')
            assert timeliness == expected, code
        else:
            assert timeliness is None and ready is None, code
        if state == 'returned':
            assert returned and returned >= ready, code
        else:
            assert returned is None, code


def test_demo(database):
    backend = database
    result = run_demo(backend, '--dossiers', '300', '--seed', '1')
    assert 'http://localhost:8000' in result.stdout
    for login in USERS:
        assert f'login: {login} ' in result.stdout
    assert 'dossiers/s' in result.stdout

    names = {r[0] for r in fetch(backend,
            'SELECT name FROM one_stop_agency')}
    assert set(AGENCIES) <= names
    kinds = dict(fetch(backend, 'SELECT name, kind FROM one_stop_agency'))
    assert kinds["Trung tâm Hành chính công tỉnh Bình Thuận"] \
        == 'service_centre'
    counter_kinds = {r[0] for r in fetch(backend,
            'SELECT c.kind FROM one_stop_counter AS c '
            'JOIN one_stop_agency AS a ON a.id = c.agency '
            "WHERE a.kind = 'service_centre'")}
    assert {'general', 'post_office'} <= counter_kinds
    assert fetch(backend, 'SELECT COUNT(*) FROM one_stop_counter '
        'WHERE networks IS NULL')[0][0] == 0
    districts = fetch(backend, 'SELECT end_date, successor '
        "FROM one_stop_agency WHERE kind = 'district_committee'")
    assert districts and all(
        as_date(e) == dt.date(2025, 6, 30) and s for e, s in districts)

    procedures = fetch(backend,
        'SELECT immediate_result, processing_days FROM one_stop_procedure')
    assert len(procedures) >= 90
    immediate = [d for i, d in procedures if i]
    assert immediate and all(d == 0 for d in immediate)
    assert all(1 <= d <= 30 for i, d in procedures if not i)
    assert fetch(backend, 'SELECT COUNT(*) FROM one_stop_holiday '
        "WHERE kind = 'working'")[0][0] >= 2

    first = counts(backend)
    assert first['dossiers'] == 300
    channels = {r[0] for r in fetch(backend,
            'SELECT DISTINCT channel FROM one_stop_dossier')}
    assert channels == {'counter', 'online', 'postal'}
    check_dossiers(backend)
    # every dossier has its history, dated from the receipt
    assert fetch(backend,
        'SELECT COUNT(*) FROM one_stop_dossier AS d '
        'WHERE NOT EXISTS (SELECT 1 FROM one_stop_dossier_event AS e '
        "WHERE e.dossier = d.id AND e.to_state = 'received' "
        'AND e.from_state IS NULL AND e.date = d.received_date)'
        )[0][0] == 0
    assert fetch(backend,
        'SELECT COUNT(*) FROM one_stop_dossier AS d '
        'WHERE NOT EXISTS (SELECT 1 FROM one_stop_dossier_event AS e '
        'WHERE e.dossier = d.id AND e.to_state = d.state)')[0][0] == 0

    users = fetch(backend,
        'SELECT u.login, u.one_stop_agency, u.one_stop_counter, l.code, '
        'u.password_hash FROM res_user AS u '
        'LEFT JOIN ir_lang AS l ON l.id = u.language '
        "WHERE u.login IN ('canbo', 'canbo.tuphap', 'giamsat')")
    assert sorted(u[0] for u in users) == sorted(USERS)
    for login, agency, counter, lang, password_hash in users:
        assert agency and counter and lang == 'vi' and password_hash, login

    result = run_demo(backend, '--dossiers', '50', '--seed', '1')
    second = counts(backend)
    assert second['dossiers'] == 350
    for key in ['agencies', 'counters', 'procedures', 'holidays', 'users']:
        assert second[key] == first[key], key
    check_dossiers(backend)
