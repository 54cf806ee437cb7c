# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from . import tokens

OPEN_STATES = {'open', 'opened'}
STATES = [
    ('open', "Invited"),
    ('opened', "Opened"),
    ('answered', "Answered"),
    ('declined', "Declined"),
    ('revoked', "Revoked"),
    ]
TIMELINESS = [
    (None, ""),
    ('early', "Early"),
    ('on_time', "On Time"),
    ('late', "Late"),
    ]
CHANNELS = [
    ('counter', "At the Counter"),
    ('online', "Online"),
    ('postal', "Public Postal Service"),
    ]


class Invitation(ModelSQL, ModelView):
    """An invitation to rate one dossier, minted when its result is returned.

    The agency, counter, procedure, clerk, channel and timeliness are copied
    at that moment: later reorganisations must not move the answer.
    """
    __string__ = "Satisfaction Invitation"
    __name__ = 'satisfaction.invitation'

    dossier = fields.Many2One(
        'one_stop.dossier', "Dossier", required=True, readonly=True,
        ondelete='RESTRICT')
    nonce = fields.Char("Nonce", readonly=True, required=True)
    token_hash = fields.Char("Token Hash", readonly=True, required=True)
    short_code = fields.Char("Short Code", readonly=True, required=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    expiry = fields.DateTime("Expiry", required=True, readonly=True)
    issued_date = fields.DateTime("Issued", required=True, readonly=True)
    printed_date = fields.DateTime(
        "Last Printed", readonly=True,
        help="When the receipt with the QR code was last printed.")
    opened_date = fields.DateTime("Opened", readonly=True)
    form_opened_date = fields.DateTime(
        "Questionnaire Opened", readonly=True,
        help="When the questions were first shown.")
    answered_date = fields.DateTime("Answered", readonly=True)
    declined_date = fields.DateTime("Declined", readonly=True)
    revoked_date = fields.DateTime("Revoked", readonly=True)
    revoked_by = fields.Many2One(
        'res.user', "Revoked By", readonly=True, ondelete='RESTRICT')
    replaced_by = fields.Many2One(
        'satisfaction.invitation', "Replaced By", readonly=True,
        ondelete='RESTRICT')
    questionnaire = fields.Many2One(
        'satisfaction.questionnaire', "Questionnaire", required=True,
        readonly=True, ondelete='RESTRICT')

    agency = fields.Many2One(
        'one_stop.agency', "Agency", required=True, readonly=True,
        ondelete='RESTRICT')
    counter = fields.Many2One(
        'one_stop.counter', "Counter", readonly=True, ondelete='RESTRICT')
    procedure = fields.Many2One(
        'one_stop.procedure', "Procedure", required=True, readonly=True,
        ondelete='RESTRICT')
    clerk = fields.Many2One(
        'res.user', "Returning Clerk", readonly=True, ondelete='RESTRICT')
    channel = fields.Selection(
        CHANNELS, "Submission Channel", readonly=True, sort=False)
    timeliness = fields.Selection(
        TIMELINESS, "Timeliness", readonly=True, sort=False)
    returned_date = fields.DateTime("Result Returned", readonly=True)

    status = fields.Function(fields.Selection(
            STATES + [('expired', "Expired")], "Status", sort=False),
        'get_status', searcher='search_status')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('token_hash_unique', Unique(t, t.token_hash),
                'public_satisfaction.msg_invitation_token_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.dossier, Index.Equality())),
                Index(t, (t.short_code, Index.Equality()),
                    where=t.state.in_(list(OPEN_STATES))),
                Index(t, (t.agency, Index.Equality()),
                    (t.returned_date, Index.Range())),
                })
        cls._order = [('issued_date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        "The code of the dossier (not personal data; the dossier may be not)"
        with without_check_access():
            return self.__class__(self.id).dossier.code

    @classmethod
    def now(cls):
        return dt.datetime.now()

    def get_status(self, name):
        if self.state in OPEN_STATES and self.expiry < self.now():
            return 'expired'
        return self.state

    @classmethod
    def search_status(cls, name, clause):
        _, operator, value = clause[:3]
        now = cls.now()
        if operator == '=' and value == 'expired':
            return [('state', 'in', list(OPEN_STATES)), ('expiry', '<', now)]
        if operator == '=' and value in OPEN_STATES:
            return [('state', '=', value), ('expiry', '>=', now)]
        return [('state', operator, value)]

    @property
    def is_open(self):
        return self.get_status(None) in OPEN_STATES

    def token(self):
        "Return the secret token, derived again from the nonce"
        pool = Pool()
        Configuration = pool.get('satisfaction.configuration')
        return tokens.derive_token(
            Configuration.get_token_key(), bytes.fromhex(self.nonce))

    def survey_url(self):
        pool = Pool()
        Configuration = pool.get('satisfaction.configuration')
        base = Configuration(1).get_survey_base_url()
        database = Transaction().database.name
        return f'{base}/{database}/s/{self.token()}'

    @classmethod
    def questionnaire_for(cls, dossier):
        pool = Pool()
        Configuration = pool.get('satisfaction.configuration')
        agency = dossier.agency
        while agency:
            if agency.satisfaction_questionnaire:
                return agency.satisfaction_questionnaire
            agency = agency.parent
        return Configuration(1).default_questionnaire

    @classmethod
    def issue(cls, dossiers):
        """Mint one open invitation per dossier, revoking the open ones.

        The dossiers must be eligible; it is the caller's job to check.
        """
        pool = Pool()
        Configuration = pool.get('satisfaction.configuration')
        configuration = Configuration(1)
        key = Configuration.get_token_key()
        now = cls.now()
        expiry = now + dt.timedelta(days=configuration.expiry_days)
        previous = cls.search([
                ('dossier', 'in', [d.id for d in dossiers]),
                ('state', 'in', list(OPEN_STATES)),
                ])
        to_create = []
        for dossier in dossiers:
            questionnaire = cls.questionnaire_for(dossier)
            if not questionnaire:
                raise AccessError(gettext(
                        'public_satisfaction.msg_no_questionnaire',
                        agency=dossier.agency.rec_name))
            nonce = tokens.new_nonce()
            to_create.append({
                    'dossier': dossier.id,
                    'nonce': nonce.hex(),
                    'token_hash': tokens.hash_token(
                        tokens.derive_token(key, nonce)),
                    'short_code': tokens.new_short_code(),
                    'state': 'open',
                    'issued_date': now,
                    'expiry': expiry,
                    'questionnaire': questionnaire.id,
                    'agency': dossier.agency.id,
                    'counter': dossier.counter.id if dossier.counter else None,
                    'procedure': dossier.procedure.id,
                    'clerk': (dossier.returned_by.id
                        if dossier.returned_by else None),
                    'channel': dossier.channel,
                    'timeliness': dossier.timeliness,
                    'returned_date': dossier.returned_date or now,
                    })
        invitations = cls.create(to_create)
        if previous:
            by_dossier = {i.dossier.id: i for i in invitations}
            for invitation in previous:
                cls.write([invitation], {
                        'state': 'revoked',
                        'revoked_date': now,
                        'revoked_by': Transaction().user or None,
                        'replaced_by': by_dossier[invitation.dossier.id].id,
                        })
        return invitations

    @classmethod
    def find_by_token(cls, token, lock=False):
        "Return the invitation of token or None; never raises on bad input"
        if not tokens.is_well_formed_token(token):
            return None
        invitations = cls.search([
                ('token_hash', '=', tokens.hash_token(token)),
                ], limit=1)
        if not invitations:
            return None
        invitation, = invitations
        if lock:
            cls.lock([invitation])
            invitation = cls(invitation.id)
        return invitation

    @classmethod
    def find_by_codes(cls, dossier_code, short_code):
        """Return the open invitation matching the pair typed at a poster.

        Both must match; the caller must not tell which one did not."""
        short_code = tokens.normalize_short_code(short_code)
        dossier_code = (dossier_code or '').strip().upper()
        if not short_code or not dossier_code or len(dossier_code) > 40:
            return None
        # 'where': a subquery on the dossier codes (indexed), not a join of
        # every open invitation to its dossier filtered afterwards
        for invitation in cls.search([
                    ('dossier', 'where', [('code', '=', dossier_code)]),
                    ('state', 'in', list(OPEN_STATES)),
                    ]):
            if tokens.short_code_equal(invitation.short_code, short_code):
                return invitation
        return None

    def mark_opened(self):
        if self.state == 'open' and self.is_open:
            self.__class__.write([self], {
                    'state': 'opened',
                    'opened_date': self.now(),
                    })

    def mark_form_opened(self):
        values = {}
        if not self.form_opened_date:
            values['form_opened_date'] = self.now()
        if self.state == 'open' and self.is_open:
            values.update(state='opened', opened_date=self.now())
        if values:
            self.__class__.write([self], values)

    def mark_printed(self):
        self.__class__.write([self], {'printed_date': self.now()})
