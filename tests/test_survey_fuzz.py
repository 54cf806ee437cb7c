# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Property-based fuzzing of the public survey routes on a real server.

Every public route (``/<db>/s/<token>``, ``/<db>/s/<token>/form``,
``/<db>/s/<token>/decline``, ``/<db>/p``) is sent requests built by
``hypothesis``: malformed, overlong, unicode and percent-encoded tokens;
every HTTP method; odd headers (Content-Type variants, multipart garbage,
charsets, encodings asked for and sent, origins);
bodies of random bytes, invalid UTF-8, NUL and control characters, huge or
repeated fields, ratings out of range, unknown choices, sizes around the
body limit; and, over raw sockets, a wrong Content-Length and chunked
bodies.  The properties:

- never a 5xx, and the server stays alive;
- every response of these routes carries the security headers
  (a Content-Security-Policy allowing no inline script and no framing,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``)
  and never a ``<script``, gzipped or not.  Only the refusals made before
  any route are plain werkzeug pages: another site's Origin (403), an
  invalid Host (400), a request line too long (414), a body the client
  cut short;
- a body above the limit is refused (413), whatever its framing;
- no invalid submission is ever stored: after all the examples, the open
  invitations used have no satisfaction.response row and are still open.

The server is a dedicated one, with rate limits high enough for fuzzing
(the limits themselves are tested in test_survey_http.py and
test_survey_parallel.py).  The examples are derandomized, so CI is
deterministic.  ``pytest -s`` prints the figures: requests sent and
statuses seen.
"""
import collections
import gzip
import http.client
import io
import socket
import string
import time
import urllib.parse

import pytest
from conftest import SURVEY_MODULES, start_server, stop_server
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from survey_world import VALID, Browser, Reply, build_world

MAX_BODY = 16 * 1024  # [public_satisfaction] max_body, the default
TIMEOUT = 30
LIMITS = {
    # high enough that the fuzzing never meets a rate limit
    'survey_posts': 1000000, 'survey_failures': 1000000,
    'token_posts': 1000000, 'poster_attempts': 1000000,
    'poster_address_attempts': 1000000,
    }
METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']
RATINGS = ('1', '2', '3', '4', '5')
RATING_CODES = ('access', 'procedure', 'official', 'result', 'feedback',
    'overall')
CHOICES = {'come_back': ('0', '1', '2+'), 'agencies': ('1', '2', '3+')}
FORM = 'application/x-www-form-urlencoded'
# Content types that werkzeug parses as a form: the body must be invalid
FORM_TYPES = [FORM, FORM + '; charset=latin-1', FORM + ';charset=utf-8',
    'APPLICATION/X-WWW-FORM-URLENCODED; Charset=ISO-8859-1']
# Content types that are not a form: even a valid body is not an answer
OTHER_TYPES = [None, '', 'text/plain', 'text/plain; charset=utf-8',
    'application/json', 'text/xml', 'application/octet-stream',
    'multipart/form-data', 'multipart/form-data; boundary=',
    'multipart/form-data; boundary=zz', 'multipart/mixed; boundary=zz',
    FORM + 'x', 'image/png', '*/*']
SETTINGS = dict(
    derandomize=True, deadline=None, database=None, print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.data_too_large,
        HealthCheck.large_base_example, HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture])

pytestmark = pytest.mark.filterwarnings(
    'ignore::hypothesis.errors.HypothesisWarning')
STATS = {'requests': 0, 'statuses': collections.Counter(),
    'by_test': collections.defaultdict(collections.Counter)}


# --- the wire ------------------------------------------------------------

def record(test, status):
    STATS['requests'] += 1
    STATS['statuses'][status] += 1
    STATS['by_test'][test][status] += 1


class Client(Browser):
    "A phone that counts the statuses it gets, and may send raw bytes"

    def __init__(self, server, test):
        super().__init__(server, timeout=TIMEOUT)
        self.test = test

    def send(self, method, target, body=None, headers=None):
        reply = super().send(method, target, body, headers)
        record(self.test, reply.status)
        return reply

    def wire(self, data, method='POST'):
        """Send data as it is, then end the sending side; return the
        replies (the first one parsed, the later ones by status only)"""
        with socket.create_connection(
                (self.host, self.port), timeout=TIMEOUT,
                source_address=(self.address, 0)) as sock:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            chunks = []
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        stream = _Socket(b''.join(chunks))
        replies = []
        while stream.rest().startswith(b'HTTP/1.'):
            # the answers to what came after a Content-Length too short
            response = http.client.HTTPResponse(stream, method=method)
            response.begin()
            replies.append(
                Reply(response.status, response.headers, response.read()))
            record(self.test, replies[-1].status)
        assert replies and not stream.rest().strip(), stream.rest()[:200]
        return replies[0], [r.status for r in replies[1:]]


class _Unclosable(io.BytesIO):

    def close(self):  # HTTPResponse closes its file at the end of a body
        pass


class _Socket:

    def __init__(self, data):
        self._file = _Unclosable(data)

    def makefile(self, mode):
        return self._file

    def rest(self):
        position = self._file.tell()
        data = self._file.read()
        self._file.seek(position)
        return data


def raw_request(method, target, headers, body=b''):
    lines = [f'{method} {target} HTTP/1.1'.encode('latin-1')]
    lines += [k.encode('latin-1') + b': ' + v for k, v in headers]
    return b'\r\n'.join(lines) + b'\r\n\r\n' + body


def chunked(body, size):
    parts = [body[i:i + size] for i in range(0, len(body), size)]
    return b''.join(
        b'%x\r\n' % len(p) + p + b'\r\n' for p in parts) + b'0\r\n\r\n'


# --- the properties ------------------------------------------------------

def directives(csp):
    result = {}
    for directive in csp.split(';'):
        words = directive.split()
        if words:
            result[words[0].lower()] = words[1:]
    return result


def assert_secure(reply):
    "The security headers of the public pages (what the issue demands)"
    headers = reply.headers
    csp = headers.get('Content-Security-Policy')
    assert csp, (reply.status, dict(headers))
    policy = directives(csp)
    script = policy.get('script-src', policy.get('default-src'))
    assert script is not None, csp
    assert "'unsafe-inline'" not in script, csp
    assert "'unsafe-eval'" not in script, csp
    assert policy.get('frame-ancestors') == ["'none'"], csp
    assert headers.get('X-Content-Type-Options') == 'nosniff'
    assert headers.get('Referrer-Policy') == 'no-referrer'
    assert headers.get('Cache-Control') == 'no-store'
    assert 'Set-Cookie' not in headers
    if reply.status != 303:
        assert headers.get('Content-Type') == 'text/html; charset=utf-8'


def assert_sane(reply, routed=True):
    assert reply.status < 500, (reply.status, reply.raw[:3000])
    body = reply.raw
    if reply.headers.get('Content-Encoding') == 'gzip':
        body = gzip.decompress(body)
    assert b'<script' not in body.lower(), body[:3000]
    if routed:
        assert_secure(reply)


def refused_origin(headers, server_url, null_allowed):
    """Tell if trytond refuses the Origin of the request (403) before any
    route: another site, or the null origin where the route does not
    allow it (the questionnaire is only fetched: no form posts to it)"""
    origin = dict(headers).get('Origin')
    if origin is None:
        return False
    if origin.startswith(('moz-extension://', 'chrome-extension://')):
        origin = 'null'
    if origin == 'null':
        return not null_allowed
    host = dict(headers).get('Host', urllib.parse.urlsplit(
            server_url).netloc)
    return urllib.parse.urlsplit(origin).netloc != host


def assert_refused_origin(reply, headers, server_url, null_allowed):
    """Tell if the Origin of the request is refused: then the reply is the
    plain 403 of trytond, still sane"""
    if not refused_origin(headers, server_url, null_allowed):
        return False
    assert reply.status == 403
    assert_sane(reply, routed=False)
    return True


def routed_token(raw):
    """Tell if the raw path segment reaches the token of the survey routes
    (the server decodes %2F into a path separator)"""
    token = urllib.parse.unquote(raw, errors='replace')
    return bool(token) and '/' not in token


# --- the server and its invitations ---------------------------------------

@pytest.fixture(scope='module')
def server(tmp_path_factory):
    "A server of its own, with rate limits that fuzzing never meets"
    directory = tmp_path_factory.mktemp('trytond_fuzz')
    server = start_server(
        str(directory), SURVEY_MODULES,
        extra_config={'public_satisfaction': LIMITS})
    yield server
    alive = server.alive()
    stop_server(server)
    by_test = '\n'.join(
        f'  {name}: {sum(c.values())} requests, {dict(sorted(c.items()))}'
        for name, c in STATS['by_test'].items())
    print(f"\n[survey fuzz] {STATS['requests']} requests, statuses "
        f"{dict(sorted(STATS['statuses'].items()))}\n{by_test}")
    assert alive, server.log()[-5000:]


@pytest.fixture(scope='module')
def world(admin):
    return build_world(admin, 'FUZ')


def invitation_of(admin, dossier_id):
    invitation, = admin.model('satisfaction.invitation').search_read(
        [('dossier', '=', dossier_id)], 0, 1, [('id', 'DESC')], ['state'])
    return invitation


@pytest.fixture(scope='module')
def tokens(server, admin, direct, world):
    """Invitations in each state: 3 open, 1 answered, 1 expired, 1 revoked.

    Only invalid submissions are sent to them."""
    result = {'open': [], 'answered': [], 'expired': [], 'revoked': []}
    dossiers = {}
    for _ in range(3):
        dossier_id = world.returned()
        result['open'].append(direct.token(dossier_id))
        dossiers[result['open'][-1]] = dossier_id
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    assert Browser(server).post(f's/{token}', VALID).status == 200
    result['answered'].append(token)
    dossiers[token] = dossier_id
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    direct.expire(dossier_id)
    result['expired'].append(token)
    dossiers[token] = dossier_id
    dossier_id = world.returned()
    token = direct.token(dossier_id)
    admin.model('one_stop.dossier').reissue_invitation([dossier_id])
    result['revoked'].append(token)
    dossiers[token] = dossier_id
    result['dossiers'] = dossiers
    result['all'] = [t for k in ['open', 'answered', 'expired', 'revoked']
        for t in result[k]]
    return result


# --- strategies -------------------------------------------------------------

URL_SAFE = string.ascii_letters + string.digits + '-_'
# a path segment sent as it is: percent escapes, broken ones (%G, %f),
# invalid UTF-8 (%ff, %c3%28), sub-delimiters; never ?, # or a space
raw_segments = st.from_regex(
    r"(?:%[0-9A-Fa-f]{2}|%[G-Zg-z0-9]?|[A-Za-z0-9._~!$&'()*+,;=:@-]){1,60}",
    fullmatch=True)
unicode_tokens = st.text(max_size=40).map(
    lambda t: urllib.parse.quote(t, safe=''))
near_tokens = st.text(alphabet=URL_SAFE + '+/=', min_size=20, max_size=24)
overlong_tokens = st.builds(
    lambda c, n: urllib.parse.quote(c * n, safe=''),
    st.characters(exclude_categories=['Cs']),
    st.sampled_from([23, 100, 2000, 7000, 20000]))


def token_variants(valid):
    "Spellings of the real tokens: some reach them, some do not"
    def every_byte(t):
        return ''.join('%%%02X' % b for b in t.encode())
    return st.builds(
        lambda token, change: change(token), st.sampled_from(valid),
        st.sampled_from([
                lambda t: t, every_byte, str.swapcase, str.lower,
                lambda t: t[:-1], lambda t: t + 'A', lambda t: t + '%00',
                lambda t: t + '%2F', lambda t: t + '.', lambda t: '%20' + t,
                lambda t: t + '%0A', lambda t: t[:11] + '%C3%A9' + t[12:],
                lambda t: t.replace('-', '+').replace('_', '%2F'),
                ]))


queries = st.one_of(
    st.just(''),
    st.sampled_from(['?lang=en', '?lang=vi', '?lang=xx', '?lang=',
            '?lang=en&lang=vi', '?lang=%ff', '?lang=%00', '?%ff=%fe',
            '?c=12', '?c=%3Cscript%3E', '?lang=EN', '?&&=&']),
    st.dictionaries(st.sampled_from(['lang', 'c', 'x', '']), st.text(
            max_size=30), max_size=3).map(
        lambda d: '?' + urllib.parse.urlencode(d)),
    raw_segments.map(lambda s: '?' + s))

printable_latin1 = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xff),
    max_size=80)


def odd_headers(server_url):
    host = urllib.parse.urlsplit(server_url).netloc
    single = st.one_of(
        st.tuples(st.just('Content-Type'), st.one_of(
                st.sampled_from(FORM_TYPES + OTHER_TYPES[1:]),
                printable_latin1)),
        st.tuples(st.just('Content-Encoding'),
            st.sampled_from(['gzip', 'deflate', 'br', 'x', ''])),
        st.tuples(st.just('Accept-Encoding'), st.sampled_from([
                    'gzip', 'gzip;q=0', 'GZIP', '*', 'br, gzip;q=0.1',
                    'identity', 'x;q=a', ''])),
        st.tuples(st.just('Accept'), st.sampled_from([
                    'application/json', 'text/xml', '*/*', 'x/y;q=a'])),
        st.tuples(st.just('Accept-Language'), printable_latin1),
        st.tuples(st.just('User-Agent'), st.one_of(
                printable_latin1, st.just('Mozilla\x00/5.0'),
                st.just('x' * 4000))),
        st.tuples(st.just('Cookie'), st.one_of(printable_latin1, st.just(
                    'session=%ff; session=="x'))),
        st.tuples(st.just('Authorization'), st.sampled_from([
                    'Session !!!', 'Session ' + 'YTpiOmM=', 'Basic x',
                    'Bearer', 'Session', 'Basic YWRtaW46YWRtaW4='])),
        st.tuples(st.just('X-Forwarded-For'), printable_latin1),
        # the null origin of the forms of a no-referrer page, our own,
        # another site's, a browser extension's (taken as null)
        st.tuples(st.just('Origin'), st.sampled_from([
                    'null', f'http://{host}', 'https://evil.example',
                    f'https://{host}', 'moz-extension://x', 'x'])),
        st.tuples(st.just('Host'), st.sampled_from(
                [host, 'évil.example', 'a' * 300, '[::1]:x'])),
        st.tuples(st.just('Range'), st.sampled_from(['bytes=0-1', 'x'])),
        st.tuples(st.just('Expect'), st.just('x-nothing')),
        st.tuples(st.sampled_from(['X_Under', 'X-Long', 'X-' + 'N' * 200]),
            st.just('x' * 2000)),
        )
    return st.lists(single, max_size=4, unique_by=lambda h: h[0])


def _bad_text(valid):
    return st.text(max_size=12).filter(
        lambda v: v.strip() not in valid and v.strip() != '')


bad_ratings = st.one_of(
    st.sampled_from(['0', '6', '-1', '10', '5.0', '4.5', '1e0', '٥', '５',
            '5\x00', '\x005', '99999999999999999999', 'NaN', 'five', '%',
            '<b>5</b>', '1,2', '0x5', '+5', 'na ', 'NA']),
    _bad_text(RATINGS + ('na',)))


@st.composite
def answers(draw):
    "A valid set of answers (q_overall is the only required question)"
    pairs = [('q_overall', draw(st.sampled_from(RATINGS)))]
    for code in RATING_CODES[:-1]:
        if draw(st.booleans()):
            values = RATINGS + (('na',) if code == 'feedback' else ())
            pairs.append((f'q_{code}', draw(st.sampled_from(values))))
    for code, choices in CHOICES.items():
        if draw(st.booleans()):
            pairs.append((f'q_{code}', draw(st.sampled_from(choices))))
    if draw(st.booleans()):
        pairs.append(('q_comment', draw(st.text(max_size=200))))
    return pairs


@st.composite
def poisoned(draw):
    """Answers made invalid by at least one fault: a reason to refuse them
    that no addition can repair"""
    pairs = [('action', 'answer')] + draw(answers())
    fault = draw(st.sampled_from([
                'rating', 'choice', 'repeated', 'too_long', 'missing',
                'action', 'empty']))
    if fault == 'rating':
        code = draw(st.sampled_from(RATING_CODES))
        value = draw(bad_ratings.filter(
                lambda v: code != 'feedback' or v.strip() != 'na'))
        pairs = [p for p in pairs if p[0] != f'q_{code}']
        pairs.append((f'q_{code}', value))
    elif fault == 'choice':
        code = draw(st.sampled_from(sorted(CHOICES)))
        value = draw(st.one_of(
                st.sampled_from(['3', '2', '+', '0 1', '2 +', '٠', '',
                        '1\x00', '3+\n', 'other']),
                st.text(max_size=12)).filter(
                lambda v: v.strip() not in CHOICES[code] and v.strip()))
        pairs = [p for p in pairs if p[0] != f'q_{code}']
        pairs.append((f'q_{code}', value))
    elif fault == 'repeated':
        code = draw(st.sampled_from(
                RATING_CODES + tuple(CHOICES) + ('comment',)))
        values = draw(st.lists(
                st.sampled_from(RATINGS + ('0', '', 'na', 'x')),
                min_size=2, max_size=40))
        pairs = [p for p in pairs if p[0] != f'q_{code}']
        pairs += [(f'q_{code}', v) for v in values]
    elif fault == 'too_long':
        # longer than 1000 characters once normalised and cleaned
        letter = draw(st.sampled_from(['a', 'ệ', 'Đ', '中', '😀']))
        pairs = [p for p in pairs if p[0] != 'q_comment']
        pairs.append(('q_comment', letter * draw(
                    st.integers(1001, 1400)) + draw(st.text(max_size=20))))
    elif fault == 'missing':
        pairs = [p for p in pairs if p[0] != 'q_overall']
        if draw(st.booleans()):
            pairs.append(('q_overall', ''))
    elif fault == 'action':
        pairs = [p for p in pairs if p[0] != 'action']
        actions = draw(st.one_of(
                st.just([]),
                st.lists(st.sampled_from(['answer', 'decline']),
                    min_size=2, max_size=3),
                st.lists(st.one_of(
                        st.sampled_from(['ANSWER', 'answer ', ' answer',
                                'answer\x00', 'décline', 'submit', '']),
                        st.text(max_size=10)).filter(
                        lambda a: a not in {'answer', 'decline'}),
                    min_size=1, max_size=1)))
        pairs = [('action', a) for a in actions] + pairs
    elif fault == 'empty':
        pairs = [('action', 'answer')] + [
            (f'q_{c}', draw(st.sampled_from(['', ' ', '\t'])))
            for c in draw(st.lists(st.sampled_from(RATING_CODES)))]
    # noise: unknown fields, NUL and control characters in the names
    noise = draw(st.lists(st.tuples(
                st.one_of(st.sampled_from(['q_', 'q_unknown', 'website',
                            'lang', 'x\x00', 'q_OVERALL', 'q_overall ']),
                    st.text(max_size=10).filter(
                        lambda k: k not in {'q_overall', 'action'})),
                st.text(max_size=20)), max_size=4))
    pairs += noise
    if draw(st.booleans()):
        pairs = draw(st.permutations(pairs))
    return pairs, fault


def urlencoded(pairs):
    return urllib.parse.urlencode(pairs).encode()


def every_byte(pairs):
    "Each byte percent-encoded, even the unreserved ones"
    def enc(text):
        return ''.join('%%%02X' % b for b in text.encode('utf-8'))
    return '&'.join(f'{enc(k)}={enc(v)}' for k, v in pairs).encode()


def multipart(pairs, boundary):
    lines = []
    for key, value in pairs:
        key = key.replace('"', '%22').replace('\r', '').replace('\n', '')
        lines += [b'--' + boundary,
            b'Content-Disposition: form-data; name="%s"' % key.encode(),
            b'', value.encode('utf-8', 'surrogatepass')]
    lines.append(b'--' + boundary + b'--')
    return b'\r\n'.join(lines) + b'\r\n'


@st.composite
def invalid_submissions(draw):
    "(content type, body, what is wrong) of a submission never to store"
    kind = draw(st.sampled_from([
                'form', 'form', 'form', 'every_byte', 'multipart',
                'junk_tail', 'random', 'other_type', 'gzip']))
    pairs, fault = draw(poisoned())
    if kind in {'form', 'every_byte', 'junk_tail'}:
        body = (every_byte if kind == 'every_byte' else urlencoded)(pairs)
        if kind == 'junk_tail':
            # invalid UTF-8, escapes cut short, NUL, separators
            body += draw(st.sampled_from([b'&', b';', b'&&'])) + draw(
                st.binary(max_size=200).filter(
                    lambda b: b'q_overall' not in b))
        return draw(st.sampled_from(FORM_TYPES)), body, fault
    if kind == 'multipart':
        boundary = draw(st.from_regex(r'[A-Za-z0-9]{1,40}', fullmatch=True))
        body = multipart(pairs, boundary.encode())
        if draw(st.booleans()):
            body = body[:draw(st.integers(0, len(body)))]  # cut anywhere
        return (f'multipart/form-data; boundary={boundary}', body,
            fault + '/multipart')
    if kind == 'random':
        content_type = draw(st.sampled_from(
                FORM_TYPES + OTHER_TYPES
                + ['multipart/form-data; boundary=--', 'text/plain; x=\x7f']))
        body = draw(st.one_of(
                st.binary(max_size=2000),
                st.text(max_size=300).map(
                    lambda t: t.encode('utf-8', 'surrogatepass')),
                st.builds(lambda b, n: b * n, st.binary(
                        min_size=1, max_size=8), st.integers(1, 1500))))
        return content_type, body, 'random'
    # a valid answer, but not sent as a form
    valid = [('action', 'answer')] + draw(answers())
    if kind == 'gzip':
        return FORM, gzip.compress(urlencoded(valid)), 'gzip'
    return (draw(st.sampled_from(OTHER_TYPES)), urlencoded(valid),
        'not a form')


def headers_for(content_type, extra=()):
    headers = {}
    if content_type is not None:
        headers['Content-Type'] = content_type
    headers.update(dict(extra))
    return headers


# --- the tests --------------------------------------------------------------

def test_fuzz_token_routes(server, tokens):
    "Any token, any method, any query, odd headers: no 5xx, secure pages"
    client = Client(server, 'token_routes')
    valid = tokens['all']
    token_values = st.one_of(
        unicode_tokens, near_tokens, raw_segments, overlong_tokens,
        token_variants(valid), st.sampled_from(tokens['open']))

    @settings(max_examples=150, **SETTINGS)
    @given(method=st.sampled_from(METHODS + ['GET', 'GET', 'HEAD', 'POST']),
        token=token_values,
        page=st.sampled_from(['', '/form', '/decline']), query=queries,
        headers=odd_headers(server.url),
        body=st.one_of(st.none(), st.binary(max_size=300),
            st.sampled_from([b'action=nope', b'action=%ff', b'\x00' * 50])))
    def check(method, token, page, query, headers, body):
        form = bool(page)  # the pages that take no post
        path = f's/{token}' + page + query
        reply = client.request(method, path, raw=body, headers=dict(
                headers))
        if reply.status == 414:  # the request line is too long
            assert len(path) > 60000
            return
        routed = routed_token(token)
        if routed and assert_refused_origin(
                reply, headers, server.url, not form):
            return
        host = dict(headers).get('Host')
        if host is not None and host != client.netloc and (
                reply.status == 400 and reply.headers.get(
                    'Content-Security-Policy') is None):
            # werkzeug refuses an invalid Host before any routing
            assert host in {'a' * 300, '[::1]:x'}, host
            routed = False
        assert_sane(reply, routed=routed)
        if not routed:
            return
        assert reply.status in {
            200, 400, 404, 405, 409, 410, 413, 422}, reply.status
        if method not in {'GET', 'HEAD', 'POST'} or (
                form and method == 'POST'):
            assert reply.status == 405
            assert reply.headers['Allow'] == (
                'GET, HEAD' if form else 'GET, HEAD, POST')
        if reply.status == 200:
            assert method in {'GET', 'HEAD'}
            assert urllib.parse.unquote(token) in tokens['open']

    check()
    assert server.alive(), server.log()[-5000:]


def test_fuzz_invalid_submissions(server, admin, tokens):
    """Valid tokens, malformed or invalid bodies: refused, never stored"""
    client = Client(server, 'invalid_submissions')
    before = {t: invitation_of(admin, d)['state']
        for t, d in tokens['dossiers'].items()}
    seen = collections.Counter()

    @settings(max_examples=220, **SETTINGS)
    @given(token=st.sampled_from(tokens['all']),
        submission=invalid_submissions(),
        headers=odd_headers(server.url).map(
            lambda hs: [h for h in hs if h[0] not in {
                        'Content-Type', 'Content-Encoding', 'Host'}]),
        lang=st.sampled_from(['', '?lang=en']))
    def check(token, submission, headers, lang):
        content_type, body, fault = submission
        seen[fault.split('/')[0]] += 1
        if fault == 'gzip':
            headers = headers + [('Content-Encoding', 'gzip')]
        reply = client.request(
            'POST', f's/{token}{lang}', raw=body,
            headers=headers_for(content_type, headers))
        if assert_refused_origin(reply, headers, server.url, True):
            return
        assert_sane(reply)
        if len(body) > MAX_BODY:
            assert reply.status == 413
        elif token in tokens['open']:
            assert reply.status in {400, 422}, (reply.status, fault)
            if fault == 'not a form' or fault == 'gzip':
                assert reply.status == 400
        elif token in tokens['answered']:
            assert reply.status in {400, 409}
        else:
            assert reply.status in {400, 410}

    check()
    print(f"\n[survey fuzz] invalid submissions by fault: {dict(seen)}")
    assert_nothing_stored(admin, tokens, before)


def assert_nothing_stored(admin, tokens, before):
    dossiers = tokens['dossiers']
    Response = admin.model('satisfaction.response')
    for token in tokens['all']:
        count = Response.search_count(
            [('dossier', '=', dossiers[token])])
        expected = 1 if token in tokens['answered'] else 0
        assert count == expected, (token, count)
        state = invitation_of(admin, dossiers[token])['state']
        if token in tokens['open']:
            assert state in {'open', 'opened'}, state
        elif token not in tokens['revoked']:
            assert state == before[token]


def test_fuzz_body_sizes(server, admin, tokens):
    """Around the body limit: 413 exactly above it, with a Content-Length or
    chunked; below it, the poisoned answers are refused"""
    client = Client(server, 'body_sizes')
    before = {t: invitation_of(admin, d)['state']
        for t, d in tokens['dossiers'].items()}

    @settings(max_examples=50, **SETTINGS)
    # found by the fuzzing: a chunked body was cut silently at the limit,
    # so valid answers followed by padding were stored (200, not 413)
    @example(token=tokens['open'][0], size=MAX_BODY + 1,
        valid=[('q_overall', '1')], bad=([('action', 'answer')], 'empty'),
        framing='chunked', pad='a')
    @example(token=tokens['open'][0], size=MAX_BODY,
        valid=[('q_overall', '1')], bad=([('action', 'answer')], 'empty'),
        framing='chunked', pad='a')
    @given(token=st.sampled_from(tokens['open']),
        size=st.one_of(
            st.integers(MAX_BODY - 64, MAX_BODY + 64),
            st.sampled_from([MAX_BODY, MAX_BODY + 1, 3 * MAX_BODY,
                    20 * MAX_BODY])),
        valid=answers(), bad=poisoned(),
        framing=st.sampled_from(['length', 'chunked', 'chunked_small']),
        pad=st.sampled_from(['a', '%FF', 'ệ', '\x00']))
    def check(token, size, valid, bad, framing, pad):
        if size > MAX_BODY:
            # valid answers first: a body cut at the limit would pass
            body = urlencoded([('action', 'answer')] + valid)
        else:
            body = urlencoded(bad[0])
        body += b'&pad='
        filler = urllib.parse.quote(pad).encode() if pad != '%FF' else (
            b'%FF')
        missing = max(0, size - len(body))
        body += (filler * (missing // len(filler) + 1))[:missing]
        if len(body) > size:
            return  # the answers alone are longer
        assert len(body) == size
        path = f'/{client.database}/s/{token}'
        if framing == 'length':
            reply = client.request('POST', f's/{token}', raw=body,
                headers={'Content-Type': FORM})
        else:
            reply, later = client.wire(raw_request('POST', path, [
                        ('Host', b'x'), ('Content-Type', FORM.encode()),
                        ('Transfer-Encoding', b'chunked'),
                        ('Connection', b'close')],
                    chunked(body, 4096 if framing == 'chunked' else 7)))
            assert not later
        assert_sane(reply)
        if size > MAX_BODY:
            assert reply.status == 413, (size, framing, reply.status)
        else:
            assert reply.status in {400, 422}, (size, framing, bad[1])

    check()
    assert_nothing_stored(admin, tokens, before)


def test_fuzz_framing(server, admin, tokens):
    """A Content-Length that lies, is not a number, or is huge; chunked
    bodies that are malformed: no 5xx, nothing stored"""
    client = Client(server, 'framing')
    before = {t: invitation_of(admin, d)['state']
        for t, d in tokens['dossiers'].items()}

    @settings(max_examples=60, **SETTINGS)
    @given(token=st.sampled_from(tokens['open'] + ['A' * 22]),
        submission=invalid_submissions(),
        length=st.one_of(
            st.sampled_from(['-1', 'abc', '', '1e3', '0x10', ' 5',
                    '99999999999999999999', '5, 5', '17000']),
            st.integers(-5, 5).map(str), st.integers(6, 400).map(str)),
        te=st.sampled_from([None, 'chunked', 'gzip, chunked', 'identity',
                'chunked, identity', 'xchunked']),
        junk_chunk=st.sampled_from(
            [b'', b'zz\r\nbad\r\n', b'5\r\nab\r\n', b'-1\r\n', b'1;x\r\n']))
    def check(token, submission, length, te, junk_chunk):
        content_type, body, _ = submission
        # any prefix of the body must be invalid too: start with a bad action
        body = b'action=nope&' + body
        headers = [('Host', b'x'), ('Connection', b'close')]
        if content_type:
            headers.append(('Content-Type', content_type.encode('latin-1')))
        if te is not None:
            headers.append(('Transfer-Encoding', te.encode()))
            data = chunked(body, 64) if 'chunked' in te else body
            if junk_chunk:
                data = junk_chunk + data
        else:
            data = body
        if length is not None:
            headers.append(('Content-Length', length.encode()))
        replies = client.wire(raw_request(
                'POST', f'/{client.database}/s/{token}', headers, data))
        first, later = replies
        assert first.status < 500, (first.status, first.raw[:2000])
        assert all(s < 500 for s in later), later
        assert first.status in {400, 404, 413, 422}, first.status
        if first.headers.get('Content-Security-Policy') is not None:
            assert_sane(first)

    check()
    assert_nothing_stored(admin, tokens, before)


def test_fuzz_poster(server, admin, world, direct, tokens):
    "The poster entry: any method, query and pair typed"
    client = Client(server, 'poster')
    dossier_id = tokens['dossiers'][tokens['open'][0]]
    dossier_code, short_code = direct.codes(dossier_id)
    typed = st.one_of(
        st.text(max_size=60),
        st.sampled_from([dossier_code, dossier_code.lower(), '\x00',
                dossier_code + '\x00', 'ệ' * 100, "' OR 1=1 --", '%', '_',
                '*', 'H99.99-000000-0000', f' {dossier_code} ']),
        # NUL and control characters anywhere in a real code
        st.builds(lambda i, c: dossier_code[:i] + c + dossier_code[i:],
            st.integers(0, len(dossier_code)),
            st.sampled_from(['\x00', '\x00\x00', '\x01', '\x7f', '\u2028'])),
        st.builds(lambda n: 'X' * n, st.integers(39, 5000)))
    codes = st.one_of(
        st.text(max_size=20),
        st.sampled_from(['3469ACDE', '3469-acde', '3469ACD\x00', 'OOOOOOOO',
                '3469ACDE3469ACDE', '\x003469ACDE', ' 3469 ACDE ']),
        # well formed: the dossier code is then looked for
        st.text(alphabet='3469ACDEFGHJKMNPQRTWXY', min_size=8, max_size=8))

    @settings(max_examples=80, **SETTINGS)
    # found by the fuzzing: a NUL in the dossier code with a well formed
    # short code was a 500 on PostgreSQL (text cannot hold a NUL)
    @example(method='POST', dossier='\x00', code='33333333', counter=None,
        lang=None, query='', repeat=False, content_type=FORM, headers=[])
    @given(method=st.sampled_from(METHODS + ['GET'] + ['POST'] * 6),
        dossier=typed, code=codes, counter=st.one_of(
            st.none(), st.text(max_size=12), st.sampled_from(['12', '007'])),
        lang=st.sampled_from([None, 'en', 'vi', 'xx', '']),
        query=queries, repeat=st.booleans(), content_type=st.sampled_from(
            FORM_TYPES * 3 + OTHER_TYPES[:4]),
        headers=odd_headers(server.url).map(
            lambda hs: [h for h in hs if h[0] not in {
                        'Content-Type', 'Host'}]))
    def check(method, dossier, code, counter, lang, query, repeat,
            content_type, headers):
        pairs = [('dossier', dossier), ('code', code)]
        if repeat:
            pairs += [('dossier', code), ('code', dossier)]
        if counter is not None:
            pairs.append(('c', counter))
        if lang is not None:
            pairs.append(('lang', lang))
        body = urlencoded(pairs)
        if method in {'GET', 'HEAD'}:
            body = None
        reply = client.request(method, 'p' + query, raw=body,
            headers=headers_for(content_type, headers))
        if assert_refused_origin(reply, headers, server.url, True):
            return
        assert_sane(reply)
        assert reply.status in {200, 303, 400, 405, 413}, reply.status
        if reply.status == 303:
            assert method == 'POST'
            assert reply.headers['Location'].startswith(
                f'/{client.database}/s/')
        if method in {'GET', 'HEAD'}:
            assert reply.status == 200
        elif method != 'POST':
            assert reply.status == 405

    check()
    # the right pair still works
    reply = client.request('POST', 'p', raw=urlencoded(
            [('dossier', dossier_code), ('code', short_code)]),
        headers={'Content-Type': FORM})
    assert reply.status == 303


def test_server_still_answers(server, admin, tokens):
    "After all of it: alive, quick, and a real answer is still taken"
    client = Client(server, 'after')
    started = time.monotonic()
    reply = client.request('GET', 'p')
    assert_sane(reply)
    assert reply.status == 200
    assert time.monotonic() - started < 5
    token = tokens['open'][-1]
    reply = client.request('POST', f's/{token}', raw=urlencoded(
            list(VALID.items())), headers={'Content-Type': FORM})
    assert_sane(reply)
    assert reply.status == 200
    assert admin.model('satisfaction.response').search_count(
        [('dossier', '=', tokens['dossiers'][token])]) == 1
    assert server.alive()
