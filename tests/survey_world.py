# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The test world of the citizen's survey, shared by tests/test_survey_*.py.

- ``build_world(admin, prefix, ...)``: an agency (with a counter if asked),
  a procedure and an applicant, created as admin over JSON-RPC; its
  ``returned()`` gives a dossier whose result was returned, so with an open
  invitation.
- ``Direct``: transactions opened in this process on the server's database,
  with the server's configuration.  The survey token cannot be read over
  RPC (by design): it is derived again here.
- ``Browser``: a citizen's phone, plain HTTP from its own loopback address
  (127.0.x.y), so that the per-address rate limits of the pages do not mix
  the scenarios.
- ``answer_form(...)``: the form that the questionnaire posts.
- ``stored(admin, dossier_ids)``: the responses stored, with their answers
  by question code.

The fixtures ``server``, ``admin`` and ``direct`` are in conftest.py.
"""
import collections
import datetime as dt
import http.client
import itertools
import urllib.parse
from dataclasses import dataclass

from test_rpc_access import unique_agency_code

# the codes of the questions of the default questionnaire (sipas-short)
QUESTIONS = ('access', 'procedure', 'official', 'result', 'feedback',
    'overall', 'come_back', 'agencies', 'comment')
# every question answered, the feedback one as not applicable
VALID = {
    'action': 'answer', 'lang': 'vi',
    'q_access': '4', 'q_procedure': '5', 'q_official': '2',
    'q_result': '5', 'q_feedback': 'na', 'q_overall': '4',
    'q_come_back': '1', 'q_agencies': '1',
    'q_comment': "Cán bộ nhiệt tình <b>cảm ơn</b>",
    }
_addresses = (f'127.0.{i // 250 + 1}.{i % 250 + 1}' for i in itertools.count())


def new_address():
    "A loopback address used by no other phone of the session"
    return next(_addresses)


def answer_form(**fields):
    """The questionnaire's form: VALID changed by fields, named by question
    code (overall=1, comment="...") or as in the form (website=..., lang=...,
    action=...); a field given None is left out"""
    form = dict(VALID)
    for name, value in fields.items():
        key = f'q_{name}' if name in QUESTIONS else name
        if value is None:
            form.pop(key, None)
        else:
            form[key] = str(value)
    return form


# --- the world, over JSON-RPC --------------------------------------------

@dataclass
class SurveyWorld:
    admin: object
    agency: int
    procedure: int
    party: int
    counter: int = None

    @property
    def server(self):
        return self.admin.server

    def return_results(self, count=1, **values):
        """Receive count dossiers, process them and return their results,
        in 4 calls; values replace those of the world (counter=None: at no
        counter).  Return (dossier ids, the action return_result gave)."""
        Dossier = self.admin.model('one_stop.dossier')
        dossier = {'applicant': self.party, 'procedure': self.procedure,
            'agency': self.agency, 'channel': 'counter'}
        if self.counter:
            dossier['counter'] = self.counter
        dossier.update(values)
        ids = Dossier.create([dossier] * count)
        Dossier.process(ids)
        Dossier.mark_ready(ids)
        action = Dossier.return_result(ids)
        return ids, action

    def returned(self, **values):
        "A new dossier whose result was returned: its id"
        (dossier_id,), _ = self.return_results(**values)
        return dossier_id


def build_world(admin, prefix, agency=None, procedure=None, party=None,
        counter=None):
    """Create the world of a test module: agency, procedure and party are
    values replacing the defaults, counter the values of a counter of the
    agency (None: no counter).  The codes are unique in the session; the
    procedure's starts with prefix."""
    agency_id, = admin.model('one_stop.agency').create([{
                'name': "Sở Tư pháp", 'kind': 'department',
                **(agency or {}), 'code': unique_agency_code()}])
    procedure_id, = admin.model('one_stop.procedure').create([{
                'name': "Cấp phiếu lý lịch tư pháp", 'level': 'province',
                'processing_days': 3, **(procedure or {}),
                'code': f'{prefix}.' + unique_agency_code()}])
    party_id, = admin.model('party.party').create([{
                'name': "Lê Thị Hoa", **(party or {})}])
    counter_id = None
    if counter is not None:
        counter_id, = admin.model('one_stop.counter').create([{
                    'agency': agency_id, **counter}])
    return SurveyWorld(admin, agency_id, procedure_id, party_id, counter_id)


def stored(admin, dossier_ids, fields=('invitation', 'comment', 'language')):
    """Return {dossier id: [(response, {question code: answer})]} of the
    responses stored for the dossiers (a dossier without any is missing)"""
    responses = admin.model('satisfaction.response').search_read(
        [('dossier', 'in', list(dossier_ids))], 0, None, [('id', 'ASC')],
        ['dossier', *fields])
    rows = admin.model('satisfaction.response.answer').search_read(
        [('response', 'in', [r['id'] for r in responses])], 0, None, None,
        ['response', 'question', 'value', 'not_applicable', 'choice',
            'text'])
    codes = {q['id']: q['code'] for q in admin.model(
            'satisfaction.question').read(
            list({r['question'] for r in rows}), ['code'])}
    answers = collections.defaultdict(dict)
    for row in rows:
        code = codes[row['question']]
        assert code not in answers[row['response']], row  # no duplicate
        answers[row['response']][code] = row
    result = collections.defaultdict(list)
    for response in responses:
        result[response['dossier']].append(
            (response, answers[response['id']]))
    return result


# --- the server's database, directly -------------------------------------

class Direct:
    "Transactions opened in this process on the server's database"

    _initialised = set()

    def __init__(self, server):
        self.server = server

    def run(self, func, readonly=False):
        from trytond import config
        config.update_etc(self.server.config_path)
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        database = self.server.database
        with Transaction().start(database, 0, readonly=readonly) as t:
            pool = Pool(database)
            if database not in self._initialised:
                pool.init()
                self._initialised.add(database)
            result = func(pool)
            if not readonly:
                t.commit()
            return result

    def open_invitations(self, pool, dossier_ids):
        Invitation = pool.get('satisfaction.invitation')
        return Invitation.search([
                ('dossier', 'in', list(dossier_ids)),
                ('state', 'in', ['open', 'opened']),
                ])

    def tokens(self, dossier_ids):
        """The token of the open invitation of each dossier, in one
        transaction: {dossier id: token}"""
        def tokens(pool):
            invitations = self.open_invitations(pool, dossier_ids)
            result = {i.dossier.id: i.token() for i in invitations}
            assert len(result) == len(invitations), "two open invitations"
            return result
        result = self.run(tokens, readonly=True)
        assert set(result) == set(dossier_ids), (result, dossier_ids)
        return result

    def token(self, dossier_id):
        return self.tokens([dossier_id])[dossier_id]

    def codes(self, dossier_id):
        "Return the dossier code and the short code of the open invitation"
        def codes(pool):
            invitation, = self.open_invitations(pool, [dossier_id])
            return invitation.dossier.code, invitation.short_code
        return self.run(codes, readonly=True)

    def expire(self, dossier_id):
        def expire(pool):
            Invitation = pool.get('satisfaction.invitation')
            invitation, = self.open_invitations(pool, [dossier_id])
            Invitation.write([invitation], {
                    'expiry': dt.datetime.now() - dt.timedelta(minutes=1),
                    })
        self.run(expire)


# --- the citizen's phone -------------------------------------------------

class Reply:

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw

    @property
    def text(self):
        return self.raw.decode('utf-8')

    def __repr__(self):
        return f'<Reply {self.status}>'


class Browser:
    "A citizen's phone: plain HTTP from its own address, no cookie"

    def __init__(self, server, address=None, timeout=120):
        parsed = urllib.parse.urlsplit(server.url)
        self.host, self.port = parsed.hostname, parsed.port
        self.netloc = parsed.netloc
        self.database = server.database
        self.address = address or new_address()
        self.timeout = timeout

    def path(self, path):
        return f'/{self.database}/{path}'

    def send(self, method, target, body=None, headers=None):
        "Send a request for target (the raw path and query) as it is"
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=self.timeout,
            source_address=(self.address, 0))
        try:
            try:
                connection.request(
                    method, target, body=body, headers=headers or {})
            except (BrokenPipeError, ConnectionResetError):
                # refused before it was all sent (414, 431): read the answer
                pass
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def request(self, method, path, data=None, headers=None, raw=None):
        """Send method to path (below the database): data is a form to
        encode, raw a body sent as it is"""
        headers = dict(headers or {})
        body = raw
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers['Content-Type'] = 'application/x-www-form-urlencoded'
        return self.send(method, self.path(path), body, headers)

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, data, **kw):
        return self.request('POST', path, data=data, **kw)

    def open(self, url, data=None):
        """GET url (as read from a QR code), or POST data to it; a redirect
        is not followed"""
        parsed = urllib.parse.urlsplit(url)
        assert parsed.netloc == self.netloc, url
        target = parsed.path + (f'?{parsed.query}' if parsed.query else '')
        assert target.startswith(self.path('')), url
        return self.request(
            'POST' if data is not None else 'GET',
            target[len(self.path('')):], data=data)
