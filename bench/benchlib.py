# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Helpers shared by the benchmarks of bench/.

Not a benchmark itself: what a benchmark needs, installed when missing and
said so (``ensure_*``: the project's extras with pip, Debian packages and
the local PostgreSQL server with the functions of bin/lib.sh), PostgreSQL
databases (created with trytond-admin, dropped at the end), the machine
description printed with every result, set-based generation of returned
dossiers and their survey invitations (with the clear tokens, derived as
``tokens.py`` does from the key and the nonce), and small statistics.
"""
import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

DEFAULT_URI = 'postgresql://tryton:tryton@localhost:5432/'
URI = (os.environ.get('TRYTOND_DATABASE__URI')
    or os.environ.get('TRYTOND_DATABASE_URI') or DEFAULT_URI)
ADMIN_PASSWORD = 'admin-Bench-2025'
# the key of the survey tokens of the benchmark servers
TOKEN_KEY = 'bench-token-key-not-a-secret'
QUESTIONNAIRE = 'sipas-short'
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(message=''):
    print(message, flush=True)


# --- what the benchmarks need ---------------------------------------------

def lib_sh(*command):
    """Run a function of bin/lib.sh (apt_install, ensure_postgresql,
    ensure_venv ...) with its arguments; return whether it succeeded"""
    result = subprocess.run(
        ['bash', '-c', '. "$0/bin/lib.sh" && "$@"', ROOT, *command],
        stdin=subprocess.DEVNULL)
    return result.returncode == 0


def version_of(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def ensure_extra(module, extra):
    """Make module importable by installing the project's extra (setup.cfg)
    when it is missing, saying so: in the project's .venv with bin/lib.sh's
    ensure_venv (which keeps its stamp), in another virtualenv with pip"""
    if importlib.util.find_spec(module):
        return
    venv = os.path.join(ROOT, '.venv')
    in_project_venv = os.path.realpath(sys.prefix) == os.path.realpath(venv)
    log(f"{module} is missing: installing the project's '{extra}' extra "
        + ("(bin/lib.sh ensure_venv " + extra + ")" if in_project_venv
            else f"(pip install -e '{ROOT}[{extra}]' in {sys.prefix})"))
    if in_project_venv:
        ok = lib_sh('ensure_venv', extra)
        if ok and not importlib.util.find_spec(module):
            # the stamp said the extra was installed: pip, to be sure
            ok = False
    else:
        ok = False
    if not ok:
        subprocess.run([sys.executable, '-m', 'pip', 'install', '-q',
                '-e', f'{ROOT}[{extra}]'], check=True,
            stdin=subprocess.DEVNULL)
    importlib.invalidate_caches()
    if not importlib.util.find_spec(module):
        raise SystemExit(f"{module} still missing after installing the "
            f"'{extra}' extra")
    log(f"installed {module} {version_of(module) or ''}".rstrip())


def ensure_debian(package, command=None):
    """Install the Debian package when its command (default: its name) is
    not found, with bin/lib.sh's apt_install, saying so; return whether the
    command is there"""
    command = command or package
    if shutil.which(command):
        return True
    log(f"{command} is missing: installing the Debian package {package} "
        f"(bin/lib.sh apt_install {package})")
    lib_sh('apt_install', package)
    return bool(shutil.which(command))


def ensure_postgresql():
    """A PostgreSQL server that answers at URI: the local cluster of the
    default URI is started (and its role tryton created) by bin/lib.sh's
    ensure_postgresql when it does not answer, saying so"""
    ensure_extra('psycopg', 'postgresql')
    import psycopg
    try:
        psycopg.connect(db_uri('postgres'), connect_timeout=5).close()
        return
    except psycopg.OperationalError as error:
        if URI != DEFAULT_URI:
            raise SystemExit(f"PostgreSQL does not answer at "
                f"{URI.split('@')[-1]}: {error}".strip()) from None
    log("PostgreSQL does not answer on localhost:5432: starting the local "
        "cluster (bin/lib.sh ensure_postgresql)")
    if not lib_sh('ensure_postgresql'):
        raise SystemExit("could not start PostgreSQL (see above)")


def ensure_weasyprint():
    """WeasyPrint (a requirement of the project, through trytond) able to
    load Pango: the Debian packages of bin/lib.sh's ensure_runtime_packages
    installed when it cannot, saying so; return its version"""
    try:
        import weasyprint
    except ModuleNotFoundError:
        ensure_extra('weasyprint', 'postgresql')
        import weasyprint
    except OSError as error:
        log(f"WeasyPrint cannot load its libraries ({error}): installing "
            "Pango and the DejaVu fonts (bin/lib.sh ensure_runtime_packages)")
        if not lib_sh('ensure_runtime_packages'):
            raise SystemExit("could not install Pango (see above)") from None
        import weasyprint
    return weasyprint.__version__


def wrk_version():
    "The first line of ``wrk -v`` (which exits with 1), or None"
    if not shutil.which('wrk'):
        return None
    result = subprocess.run(['wrk', '-v'], capture_output=True, text=True)
    lines = (result.stdout + result.stderr).strip().splitlines()
    # "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer"
    return lines[0].split(' Copyright')[0] if lines else 'wrk'


def db_uri(database):
    return URI.rstrip('/') + '/' + database


def admin_execute(sql):
    import psycopg
    with psycopg.connect(db_uri('postgres'), autocommit=True) as conn:
        conn.execute(sql)


def script(name):
    "The console script name of the virtualenv running this benchmark"
    path = os.path.join(os.path.dirname(sys.executable), name)
    return [path] if os.path.exists(path) else [name]


def use_addons(addons):
    """Load the trytond modules found in the directory addons before the
    installed ones (e.g. the code before a change, extracted with
    ``git archive HEAD addons/public_satisfaction | tar -x -C DIR`` and
    given as DIR/addons).  To call before trytond loads its pool."""
    if addons:
        import trytond.modules
        trytond.modules.__path__.insert(0, os.path.abspath(addons))


def admin_command(addons=None):
    "The command of trytond-admin, loading the modules of addons first"
    if not addons:
        return script('trytond-admin')
    return [sys.executable, '-c',
        'import sys, trytond.modules; '
        f'trytond.modules.__path__.insert(0, {os.path.abspath(addons)!r}); '
        'from trytond.cli.admin import main; sys.exit(main())']


def clean_env():
    "os.environ without the trytond settings of the caller"
    return {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')
        and k not in {'TRYTON_CONFIG', 'DB_NAME', 'DB_CACHE'}}


def write_config(path, extra=None, uri=None):
    """Write a trytond configuration file: the database URI, the key of the
    survey tokens and the extra {section: {option: value}}"""
    sections = {
        'database': {'uri': uri or URI, 'language': 'en'},
        'public_satisfaction': {'token_key': TOKEN_KEY},
        }
    for section, options in (extra or {}).items():
        sections.setdefault(section, {}).update(options)
    with open(path, 'w') as fp:
        for section, options in sections.items():
            fp.write(f'[{section}]\n')
            for option, value in options.items():
                fp.write(f'{option} = {value}\n')
    return path


def create_database(database, config_path, modules=('public_satisfaction',),
        languages=('vi',), addons=None):
    """Create a PostgreSQL database and activate modules with trytond-admin
    (with the modules of the directory addons first, see use_addons)"""
    admin_execute(
        f'CREATE DATABASE "{database}" TEMPLATE template0 '
        "ENCODING 'unicode'")
    with tempfile.TemporaryDirectory() as directory:
        passfile = os.path.join(directory, 'admin.pass')
        with open(passfile, 'w') as fp:
            fp.write(ADMIN_PASSWORD + '\n')
        env = clean_env()
        env['TRYTONPASSFILE'] = passfile
        command = [*admin_command(addons), '-c', config_path,
            '-d', database, '--all', '--activate-dependencies',
            '--email', 'admin@example.com', '-u', *modules]
        for language in languages:
            command += ['-l', language]
        result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True)
    if result.returncode:
        drop_database(database)
        raise RuntimeError(
            f"trytond-admin failed ({result.returncode}):\n"
            + (result.stdout + result.stderr)[-5000:])


def drop_database(database):
    admin_execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# --- data ----------------------------------------------------------------

def nonce_of(seed, number):
    "A deterministic 16-byte nonce (the product uses secrets.token_bytes)"
    return hashlib.sha256(f'{seed}:{number}'.encode()).digest()[:16]


def product_tokens():
    """The module's tokens.py (free of database access), loaded from its
    file: the benchmark derives the tokens exactly as the product does"""
    import importlib.util
    path = os.path.join(ROOT, 'addons', 'public_satisfaction', 'tokens.py')
    spec = importlib.util.spec_from_file_location('bench_tokens', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate_returned(database, count, state='open', seed='bench',
        agencies=10):
    """Insert count returned dossiers, each with one invitation in state
    (open: answerable for 30 days), with set-based SQL.

    Return the list of (invitation id, clear token), in id order.  The
    tokens are derived from TOKEN_KEY and a nonce as Invitation.issue()
    does, so the server configured by write_config() accepts them."""
    import psycopg

    tokens = product_tokens()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    result = []
    with psycopg.connect(db_uri(database)) as conn:
        cursor = conn.cursor()
        cursor.execute(
            "SELECT id FROM satisfaction_questionnaire WHERE code = %s "
            "ORDER BY version DESC LIMIT 1", (QUESTIONNAIRE,))
        questionnaire, = cursor.fetchone()
        cursor.execute("""
            INSERT INTO one_stop_agency (
                code, name, kind, active, create_date, create_uid)
            SELECT 'B15.' || lpad(k::text, 2, '0'),
                'UBND xã Bench ' || k || ' (Ủy ban nhân dân)',
                'commune_committee', true, now(), 0
            FROM generate_series(1, %s) k""", (agencies,))
        cursor.execute("""
            INSERT INTO one_stop_procedure (
                code, name, level, processing_days, immediate_result,
                active, create_date, create_uid)
            VALUES ('9.999999', 'Cấp bản sao trích lục hộ tịch (bench)',
                'commune', 5, false, true, now(), 0)
            RETURNING id""")
        procedure, = cursor.fetchone()
        cursor.execute("""
            INSERT INTO party_party (code, name, active, create_date,
                create_uid)
            VALUES ('BENCH-1', 'Nguyễn Văn Bench', true, now(), 0)
            RETURNING id""")
        party, = cursor.fetchone()
        cursor.execute("SELECT COALESCE(max(id), 0) FROM one_stop_dossier")
        first = cursor.fetchone()[0] + 1
        cursor.execute("""
            INSERT INTO one_stop_dossier (
                id, agency, applicant, procedure, channel, return_method,
                state, code, received_date, appointment_date, ready_date,
                returned_date, timeliness, create_date, create_uid)
            SELECT g, a.id, %(party)s, %(procedure)s, 'counter', 'counter',
                'returned', a.code || '-BENCH-' || lpad(g::text, 7, '0'),
                %(now)s - interval '5 days', (%(now)s)::date,
                %(now)s - interval '2 hours', %(now)s - interval '1 hour',
                'on_time', now(), 0
            FROM generate_series(%(first)s::integer, %(last)s::integer) g
            JOIN one_stop_agency a
                ON a.code = 'B15.' || lpad(
                    (1 + g %% %(agencies)s::integer)::text, 2, '0')""", {
                'party': party, 'procedure': procedure, 'now': now,
                'first': first, 'last': first + count - 1,
                'agencies': agencies})
        for number in range(first, first + count):
            nonce = nonce_of(seed, number)
            token = tokens.derive_token(TOKEN_KEY, nonce)
            rows.append((number, nonce.hex(), tokens.hash_token(token),
                    'BENCH' + format(number % 1000, '03d')))
            result.append((number, token))
        cursor.execute("""
            CREATE TEMPORARY TABLE bench_token (
                dossier integer, nonce varchar, token_hash varchar,
                short_code varchar)""")
        with cursor.copy(
                "COPY bench_token (dossier, nonce, token_hash, short_code) "
                "FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("""
            INSERT INTO satisfaction_invitation (
                id, dossier, agency, procedure, questionnaire, channel,
                timeliness, returned_date, issued_date, expiry, nonce,
                token_hash, short_code, state, create_date, create_uid)
            SELECT d.id, d.id, d.agency, d.procedure, %(questionnaire)s,
                d.channel, d.timeliness, d.returned_date, d.returned_date,
                d.returned_date + interval '30 days', t.nonce,
                t.token_hash, t.short_code, %(state)s, now(), 0
            FROM one_stop_dossier d JOIN bench_token t ON t.dossier = d.id
            ORDER BY d.id""", {
                'questionnaire': questionnaire, 'state': state})
        for table in ['one_stop_dossier', 'satisfaction_invitation']:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "(SELECT max(id) FROM " + table + "))", (table,))
        conn.commit()
    with psycopg.connect(db_uri(database), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE one_stop_agency, one_stop_dossier, "
            "satisfaction_invitation")
    return result


# --- figures --------------------------------------------------------------

def percentile(values, fraction):
    "The fraction-quantile of values (linear interpolation)"
    values = sorted(values)
    if not values:
        return float('nan')
    if len(values) == 1:
        return values[0]
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def median(values):
    return statistics.median(values) if values else float('nan')


def machine():
    "A one-line description of the machine and of the software"
    cpu = platform.processor() or '?'
    try:
        with open('/proc/cpuinfo') as fp:
            for line in fp:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    memory = '?'
    try:
        with open('/proc/meminfo') as fp:
            for line in fp:
                if line.startswith('MemTotal:'):
                    memory = f'{int(line.split()[1]) / 1024 / 1024:.1f} GiB'
                    break
    except OSError:
        pass
    try:
        import psycopg
        with psycopg.connect(db_uri('postgres')) as conn:
            pg = conn.execute('SHOW server_version').fetchone()[0]
    except Exception as error:  # noqa: BLE001 - only printed
        pg = f'? ({error})'
    try:
        from importlib.metadata import version
        trytond = version('trytond')
    except Exception:  # noqa: BLE001
        trytond = '?'
    load = ' '.join(f'{x:.2f}' for x in os.getloadavg())
    return (f"machine: {os.cpu_count()} CPUs ({cpu}), RAM {memory}, "
        f"PostgreSQL {pg}, Python {platform.python_version()}, "
        f"trytond {trytond}; load average {load}")


def vm_hwm(pid):
    "Peak resident set size (VmHWM) of process pid in KiB, or None"
    try:
        with open(f'/proc/{pid}/status') as fp:
            for line in fp:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def children(pid):
    "The ids of the child processes of pid"
    result = []
    try:
        for task in os.listdir(f'/proc/{pid}/task'):
            with open(f'/proc/{pid}/task/{task}/children') as fp:
                result += [int(p) for p in fp.read().split()]
    except OSError:
        pass
    return result
