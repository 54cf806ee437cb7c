# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Fixtures that run a REAL trytond server for end-to-end tests.

``trytond_server`` (session scope) gives a server on a fresh database with
``one_stop`` activated.  Other modules can be asked for with the factory::

    def test_survey(trytond_server_factory):
        server = trytond_server_factory(['one_stop', 'public_satisfaction'])
        admin = server.client()               # logged in as admin
        Dossier = admin.model('one_stop.dossier')
        Dossier.search_read([], 0, None, None, ['code'])

or per module, with ``pytest.mark.parametrize('trytond_server',
[('one_stop', 'x')], indirect=True)``.  Servers are cached per set of
modules for the session and are stopped, and their database dropped, at
the end.

The backend follows ``TRYTOND_DATABASE__URI`` (``TRYTOND_DATABASE_URI``):
unset or ``sqlite://`` gives an SQLite file in a temporary directory, a
``postgresql://`` URI gives a uniquely named PostgreSQL database.  The
database is activated with ``trytond-admin`` (admin password given through
``TRYTONPASSFILE``) and served by ``trytond`` on 127.0.0.1 and a free port.

JSON-RPC of trytond 8.0: POST ``/<database>/rpc/`` with
``{"id", "method", "params"}``; ``common.db.login`` takes
``[login, {"password": ...}, language]`` and returns ``[user id, session,
bus url]``; later calls send ``Authorization: Session
base64(login:user id:session)``; model methods are
``model.<model name>.<method>`` whose last parameter is the context.
Errors come back as ``{"error": [kind, args]}`` (e.g. ``["UserError",
[message, description, domain]]``) and are raised here as ``RPCError``.

The survey tests (tests/test_survey_*.py) share the fixtures ``server`` (the
session's server with public_satisfaction, unless the module overrides it),
``admin`` and ``direct`` (survey_world.Direct on server); survey_world.py
has the rest of their world.
"""
import base64
import datetime as dt
import decimal
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

import pytest

ADMIN_PASSWORD = 'admin-Secret-2025'
DEFAULT_MODULES = ('one_stop',)
SURVEY_MODULES = ('public_satisfaction',)
START_TIMEOUT = 120
# As the project's servers run (bin/lib.sh): the middleware answering the
# refusals of trytond with their status, the logging without tokens
WSGI_MIDDLEWARE = (
    '[wsgi middleware]',
    'http_errors = trytond.modules.one_stop.http_errors.HTTPErrorMiddleware',
    )
LOGGING_CONF = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    'etc', 'logging.conf')
ADMIN_TIMEOUT = 900
# The web root of sao that bin/test builds (bin/lib.sh ensure_web), served
# by every test server as by the project's own ([web] root)
SAO_ROOT = os.environ.get('ONE_STOP_SAO_ROOT') or os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    'var', 'sao-root')


def database_uri():
    return (os.environ.get('TRYTOND_DATABASE__URI')
        or os.environ.get('TRYTOND_DATABASE_URI')
        or 'sqlite://')


def backend_name(uri=None):
    uri = uri or database_uri()
    return 'postgresql' if uri.startswith('postgresql') else 'sqlite'


# --- JSON encoding as trytond.protocols.jsonrpc -------------------------

def _encode(obj):
    if isinstance(obj, dt.datetime):
        return {'__class__': 'datetime', 'year': obj.year,
            'month': obj.month, 'day': obj.day, 'hour': obj.hour,
            'minute': obj.minute, 'second': obj.second,
            'microsecond': obj.microsecond}
    if isinstance(obj, dt.date):
        return {'__class__': 'date', 'year': obj.year, 'month': obj.month,
            'day': obj.day}
    if isinstance(obj, dt.time):
        return {'__class__': 'time', 'hour': obj.hour,
            'minute': obj.minute, 'second': obj.second,
            'microsecond': obj.microsecond}
    if isinstance(obj, dt.timedelta):
        return {'__class__': 'timedelta', 'seconds': obj.total_seconds()}
    if isinstance(obj, decimal.Decimal):
        return {'__class__': 'Decimal', 'decimal': str(obj)}
    if isinstance(obj, (bytes, bytearray)):
        return {'__class__': 'bytes',
            'base64': base64.encodebytes(obj).decode()}
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    raise TypeError(f"cannot encode {obj!r}")


def _decode(dct):
    kind = dct.get('__class__')
    if kind == 'datetime':
        return dt.datetime(dct['year'], dct['month'], dct['day'],
            dct['hour'], dct['minute'], dct['second'], dct['microsecond'])
    if kind == 'date':
        return dt.date(dct['year'], dct['month'], dct['day'])
    if kind == 'time':
        return dt.time(dct['hour'], dct['minute'], dct['second'],
            dct['microsecond'])
    if kind == 'timedelta':
        return dt.timedelta(seconds=dct['seconds'])
    if kind == 'Decimal':
        return decimal.Decimal(dct['decimal'])
    if kind == 'bytes':
        return base64.decodebytes(dct['base64'].encode())
    return dct


class RPCError(Exception):
    """An error answered by the server in the JSON-RPC payload.

    kind is the Tryton exception name ('UserError', 'UserWarning',
    'ConcurrencyException', ...) or None for an unexpected server error;
    message is the (translated) text shown to the user."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error
        self.kind, self.message, self.description = None, None, None
        if (isinstance(error, list) and len(error) == 2
                and isinstance(error[0], str)):
            kind, args = error
            if isinstance(args, list) and args:
                self.kind = kind
                if kind == 'UserWarning':
                    self.message = args[1] if len(args) > 1 else args[0]
                else:
                    self.message = args[0]
                    if len(args) > 1:
                        self.description = args[1]
            else:
                self.message = kind
        else:
            self.message = str(error)

    def __str__(self):
        return f'{self.kind}: {self.message}'


class RPCHTTPError(Exception):
    "The server answered with an HTTP error status (401, 403, 404, ...)"

    def __init__(self, status, body):
        super().__init__(status, body)
        self.status = status
        self.body = body


class _ModelProxy:

    def __init__(self, client, name):
        self._client = client
        self._name = name

    def __getattr__(self, method):
        def call(*args, context=None):
            return self._client.call(
                f'model.{self._name}.{method}', *args,
                self._client.context_for(context))
        return call


class RPCClient:
    "A user's JSON-RPC session on the server"

    def __init__(self, server, login='admin', password=ADMIN_PASSWORD,
            language=None, timeout=120):
        self.server = server
        self.login_name = login
        self.password = password
        self.language = language
        self.timeout = timeout
        self.user_id = None
        self.session = None
        self.context = {}
        self._id = 0

    @property
    def url(self):
        return f'{self.server.url}/{self.server.database}/rpc/'

    def _post(self, url, method, params, auth=True):
        self._id += 1
        payload = json.dumps(
            {'id': self._id, 'method': method, 'params': list(params)},
            default=_encode).encode()
        request = urllib.request.Request(url, data=payload, method='POST')
        request.add_header('Content-Type', 'application/json')
        if auth and self.session:
            token = base64.b64encode(
                f'{self.login_name}:{self.user_id}:{self.session}'
                .encode()).decode()
            request.add_header('Authorization', f'Session {token}')
        try:
            with urllib.request.urlopen(
                    request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            raise RPCHTTPError(error.code, error.read()) from None
        data = json.loads(body, object_hook=_decode)
        if isinstance(data, dict) and 'error' in data:
            raise RPCError(data['error'])
        return data['result'] if isinstance(data, dict) else data

    def login(self):
        self.user_id, self.session, _ = self._post(
            self.url, 'common.db.login',
            [self.login_name, {'password': self.password}, self.language],
            auth=False)
        self.context = self.call(
            'model.res.user.get_preferences', True, {})
        return self

    def logout(self):
        if self.session:
            self.call('common.db.logout')
            self.session = None

    def call(self, method, *params):
        return self._post(self.url, method, params)

    def context_for(self, context=None):
        ctx = dict(self.context)
        if context:
            ctx.update(context)
        return ctx

    def model(self, name):
        return _ModelProxy(self, name)

    def execute(self, model, method, *args, context=None):
        return getattr(self.model(model), method)(*args, context=context)


@dataclass
class TrytondServer:
    url: str
    database: str
    config_path: str
    backend: str
    modules: tuple
    directory: str
    log_path: str
    admin_password: str = ADMIN_PASSWORD
    process: subprocess.Popen = field(default=None, repr=False)

    def client(self, login='admin', password=None, language=None):
        "Return a logged in RPCClient"
        if password is None:
            password = self.admin_password if login == 'admin' else None
        return RPCClient(self, login, password, language).login()

    def root_call(self, method, *params):
        "Call a method of /rpc/ (without a database)"
        client = RPCClient(self)
        return client._post(f'{self.url}/rpc/', method, params, auth=False)

    def log(self):
        with open(self.log_path, errors='replace') as fp:
            return fp.read()

    def alive(self):
        return self.process is not None and self.process.poll() is None


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _script(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.exists(path):
        return [path]
    found = shutil.which(name)
    if found:
        return [found]
    module = {'trytond': 'trytond.cli', 'trytond-admin': 'trytond.cli.admin'}
    return [sys.executable, '-m', module[name]]


def _clean_env(directory):
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')
        and k not in {'DB_NAME', 'DB_CACHE', 'TRYTON_CONFIG'}}
    env['TRYTONPASSFILE'] = os.path.join(directory, 'admin.pass')
    env['PYTHONUNBUFFERED'] = '1'
    return env


def _pg_admin(uri, sql):
    import psycopg
    with psycopg.connect(uri.rstrip('/') + '/postgres',
            autocommit=True) as conn:
        conn.execute(sql)


def _wait_ready(server):
    deadline = time.monotonic() + START_TIMEOUT
    last = None
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(
                f"trytond exited ({server.process.returncode}):\n"
                + server.log()[-5000:])
        try:
            if server.root_call('common.server.version'):
                # the pool of the database is loaded by the first login
                RPCClient(server).login()
                return
        except (OSError, RPCHTTPError, RPCError) as error:
            last = error
        time.sleep(0.2)
    raise RuntimeError(
        f"trytond did not answer in {START_TIMEOUT}s ({last}):\n"
        + server.log()[-5000:])


def start_server(directory, modules=DEFAULT_MODULES, languages=('vi',),
        extra_config=None):
    """Create a database, activate modules and start trytond on it.

    extra_config: {section: {option: value}} added to the configuration
    file (e.g. {'public_satisfaction': {'survey_posts': 1000}}).
    Return a TrytondServer; stop_server() ends it and drops the
    database."""
    os.makedirs(directory, exist_ok=True)
    uri = database_uri()
    backend = backend_name(uri)
    modules = tuple(modules)
    port = _free_port()
    database = 'test_http_%s_%s' % (os.getpid(), uuid.uuid4().hex[:8])
    config_path = os.path.join(directory, 'trytond.conf')
    log_path = os.path.join(directory, 'trytond.log')
    lines = ['[database]']
    if backend == 'sqlite':
        lines += ['uri = sqlite://', f'path = {directory}']
    else:
        lines += [f'uri = {uri}']
    lines += [
        'language = en',
        'list = True',
        '[web]',
        f'listen = 127.0.0.1:{port}',
        *([f'root = {SAO_ROOT}']
            if os.path.isfile(os.path.join(SAO_ROOT, 'index.html')) else []),
        *WSGI_MIDDLEWARE,
        '[session]',
        # many logins from the same address in the tests
        'max_attempt = 1000',
        ]
    for section, options in (extra_config or {}).items():
        lines.append(f'[{section}]')
        lines += [f'{option} = {value}' for option, value in options.items()]
    with open(config_path, 'w') as fp:
        fp.write('\n'.join(lines) + '\n')
    env = _clean_env(directory)
    with open(env['TRYTONPASSFILE'], 'w') as fp:
        fp.write(ADMIN_PASSWORD + '\n')

    if backend == 'postgresql':
        _pg_admin(uri, f'CREATE DATABASE "{database}" TEMPLATE template0 '
            "ENCODING 'unicode'")
    else:
        # trytond-admin only opens an existing SQLite file
        open(os.path.join(directory, database + '.sqlite'), 'wb').close()
    admin_cmd = [*_script('trytond-admin'), '-c', config_path,
        '-d', database, '--all', '--activate-dependencies',
        '--email', 'admin@example.com', '-u', *modules]
    for language in languages:
        admin_cmd += ['-l', language]
    with open(os.path.join(directory, 'trytond-admin.log'), 'w') as log:
        result = subprocess.run(admin_cmd, env=env, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, timeout=ADMIN_TIMEOUT)
    if result.returncode:
        with open(os.path.join(directory, 'trytond-admin.log')) as log:
            output = log.read()
        _drop_database(backend, uri, database, directory)
        raise RuntimeError(
            f"trytond-admin failed ({result.returncode}):\n{output[-5000:]}")

    logging_path = os.path.join(directory, 'logging.conf')
    with open(LOGGING_CONF) as source, open(logging_path, 'w') as fp:
        # INFO: the level of the request lines (checked for tokens)
        fp.write(source.read().replace('level = WARNING', 'level = INFO'))
    log = open(log_path, 'w')
    process = subprocess.Popen(
        [*_script('trytond'), '-c', config_path, '-d', database,
            '--logconf', logging_path],
        env=env, stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT)
    log.close()
    server = TrytondServer(
        url=f'http://127.0.0.1:{port}', database=database,
        config_path=config_path, backend=backend, modules=modules,
        directory=directory, log_path=log_path, process=process)
    try:
        _wait_ready(server)
    except BaseException:
        stop_server(server)
        raise
    return server


def _drop_database(backend, uri, database, directory):
    if backend == 'postgresql':
        _pg_admin(uri, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    else:
        path = os.path.join(directory, database + '.sqlite')
        if os.path.exists(path):
            os.remove(path)


def stop_server(server):
    if server.process is not None and server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=20)
    _drop_database(
        server.backend, database_uri(), server.database, server.directory)


@pytest.fixture(scope='session')
def trytond_server_factory(tmp_path_factory):
    """Return a function modules -> running TrytondServer (cached)"""
    servers = {}

    def factory(modules=DEFAULT_MODULES):
        key = tuple(sorted(modules))
        if key not in servers:
            directory = tmp_path_factory.mktemp('trytond_' + '_'.join(key))
            servers[key] = start_server(str(directory), key)
        server = servers[key]
        assert server.alive(), server.log()[-5000:]
        return server

    yield factory
    for server in servers.values():
        stop_server(server)


@pytest.fixture(scope='session')
def trytond_server(request, trytond_server_factory):
    """A real trytond server with one_stop activated (or the modules
    given by an indirect parametrization)"""
    modules = getattr(request, 'param', None) or DEFAULT_MODULES
    return trytond_server_factory(modules)


@pytest.fixture(scope='session')
def admin_rpc(trytond_server):
    "The admin's JSON-RPC client on trytond_server"
    return trytond_server.client()


# --- the survey's test world (tests/test_survey_*.py, survey_world.py) ---

@pytest.fixture(scope='module')
def server(trytond_server_factory):
    """The server of a survey test module: the session's one with
    public_satisfaction; a module overrides it to have its own"""
    return trytond_server_factory(SURVEY_MODULES)


@pytest.fixture(scope='module')
def admin(server):
    "The admin's JSON-RPC client on server"
    return server.client()


@pytest.fixture(scope='module')
def direct(server):
    "Transactions opened in this process on the database of server"
    # survey_world imports test_rpc_access, which imports this module
    from survey_world import Direct
    return Direct(server)
