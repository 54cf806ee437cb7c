# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt

from sql import For

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.one_stop.localtime import utcnow
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from . import bulk, tokens

# The invitations a citizen can still answer (until their expiry)
OPEN_STATES = {'open', 'opened'}
STATES = [
    ('open', "Invited"),
    ('opened', "Opened"),
    ('answered', "Answered"),
    ('declined', "Declined"),
    ('expired', "Expired"),
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
# seconds to wait for the lock of an invitation that another request is
# answering (PostgreSQL)
LOCK_TIMEOUT = 5
# read with the lock of find_by_token: what the answer needs of the
# invitation (its state, its questionnaire, the signals)
LOCKED_COLUMNS = ('state', 'expiry', 'dossier', 'questionnaire', 'counter',
    'printed_date', 'form_opened_date')


class Invitation(Workflow, ModelSQL, ModelView):
    """An invitation to rate one dossier, minted when its result is returned.

    The agency, counter, procedure, clerk, channel and timeliness are copied
    at that moment: later reorganisations must not move the answer.

    Its life is a workflow: open (printed on the receipt) → opened (the
    citizen looked at it) → answered or declined; expired when its validity
    ends unanswered; revoked when a new code replaces it.  Every move is a
    transition of this model, whoever makes it (the citizen's pages, the
    answer, the counter, the cron).  Transitions take an optional ``dates``
    mapping of invitation id to the date of the event, for importing a
    history (default: now).
    """
    __string__ = "Satisfaction Invitation"
    __name__ = 'satisfaction.invitation'
    # Not in ir.model.log: every move is dated on the invitation itself
    # (and a revocation signed), and the log record cost a third of a
    # citizen's request (docs/performance.md)
    _log = False

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
            STATES, "Status", sort=False,
            help="The state, expired as soon as the validity ended."),
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
                Index(t, (t.expiry, Index.Range()),
                    where=t.state.in_(list(OPEN_STATES))),
                })
        cls._order = [('issued_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('open', 'opened'),
            ('open', 'answered'),
            ('opened', 'answered'),
            ('open', 'declined'),
            ('opened', 'declined'),
            ('open', 'expired'),
            ('opened', 'expired'),
            ('open', 'revoked'),
            ('opened', 'revoked'),
            }

    @classmethod
    def default_state(cls):
        return 'open'

    def get_rec_name(self, name):
        "The code of the dossier (not personal data; the dossier may be not)"
        with without_check_access():
            return self.__class__(self.id).dossier.code

    @classmethod
    def now(cls):
        return utcnow()

    def get_status(self, name):
        if self.state in OPEN_STATES and self.expiry < self.now():
            return 'expired'
        return self.state

    @classmethod
    def search_status(cls, name, clause):
        _, operator, value = clause[:3]
        now = cls.now()
        overdue = [('state', 'in', list(OPEN_STATES)), ('expiry', '<', now)]
        if operator == '=' and value == 'expired':
            return ['OR', ('state', '=', 'expired'), overdue]
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
    def issue(cls, dossiers, dates=None):
        """Mint one open invitation per dossier, revoking its open ones.

        The dossiers must be eligible; it is the caller's job to check.
        dates maps a dossier id to the date the invitation is issued (an
        import of history); default: now.  Return the invitations in the
        order of dossiers.  They are inserted in bulk (bulk.py): their
        values are the dossiers' snapshot made here."""
        pool = Pool()
        Configuration = pool.get('satisfaction.configuration')
        configuration = Configuration(1)
        key = Configuration.get_token_key()
        now = cls.now()
        validity = dt.timedelta(days=configuration.expiry_days)
        questionnaires = {}
        to_create = []
        for dossier in dossiers:
            agency = dossier.agency
            if agency.id not in questionnaires:
                questionnaires[agency.id] = cls.questionnaire_for(dossier)
            questionnaire = questionnaires[agency.id]
            if not questionnaire:
                raise AccessError(gettext(
                        'public_satisfaction.msg_no_questionnaire',
                        agency=agency.rec_name))
            issued = dates.get(dossier.id, now) if dates else now
            nonce = tokens.new_nonce()
            to_create.append({
                    'dossier': dossier.id,
                    'nonce': nonce.hex(),
                    'token_hash': tokens.hash_token(
                        tokens.derive_token(key, nonce)),
                    'short_code': tokens.new_short_code(),
                    'state': 'open',
                    'issued_date': issued,
                    'expiry': issued + validity,
                    'questionnaire': questionnaire.id,
                    'agency': agency.id,
                    'counter': dossier.counter.id if dossier.counter else None,
                    'procedure': dossier.procedure.id,
                    'clerk': (dossier.returned_by.id
                        if dossier.returned_by else None),
                    'channel': dossier.channel,
                    'timeliness': dossier.timeliness,
                    'returned_date': dossier.returned_date or issued,
                    })
        previous = cls.search([
                ('dossier', 'in', [d.id for d in dossiers]),
                ('state', 'in', list(OPEN_STATES)),
                ])
        bulk.insert(cls, to_create)
        by_hash = {i.token_hash: i for i in cls.search([
                    ('token_hash', 'in', [v['token_hash'] for v in to_create]),
                    ])}
        invitations = [by_hash[v['token_hash']] for v in to_create]
        if previous:
            by_dossier = {i.dossier.id: i for i in invitations}
            cls.revoke(previous, replaced_by={
                    i.id: by_dossier[i.dossier.id] for i in previous})
        return invitations

    @classmethod
    def _write_dates(cls, invitations, names, dates=None, state=None):
        """Write in the fields names the date of its event of each invitation
        (dates: {id: date}, default now) and, for a transition, its new
        state, in one call: Workflow.transition then finds the state
        written and writes nothing more (one UPDATE per event on the
        citizen's pages, docs/performance.md).  The values are the module's
        own: written by one UPDATE a date (bulk.update) unless a trigger
        watches the writes of invitations"""
        now = cls.now()
        by_date = {}
        for invitation in invitations:
            date = dates.get(invitation.id, now) if dates else now
            by_date.setdefault(date, []).append(invitation)
        to_write = []
        for date, records in by_date.items():
            values = dict.fromkeys(names, date)
            if state:
                values['state'] = state
            to_write.extend((records, values))
        if not to_write:
            return
        if bulk.can_update(cls):
            for records, values in zip(to_write[::2], to_write[1::2]):
                bulk.update(cls, records, values)
        else:
            cls.write(*to_write)

    @classmethod
    def write(cls, *args):
        # Workflow.transition writes the state of the records whose state
        # its transition did not write, none when it was _write_dates: 3
        # queries for no record on each event of the citizen
        if any(args[::2]):
            super().write(*args)

    @classmethod
    @Workflow.transition('opened')
    def open(cls, invitations, dates=None, form=False):
        """The citizen opened the link: nothing else is recorded; with form,
        it was the questionnaire itself (see show_form)"""
        names = ['opened_date'] + (['form_opened_date'] if form else [])
        cls._write_dates(invitations, names, dates, 'opened')

    @classmethod
    def show_form(cls, invitations, dates=None):
        """The questionnaire was shown: its first showing is recorded (an
        answer much faster than reading it is flagged) and the invitation
        opened"""
        first = [i for i in invitations if not i.form_opened_date]
        to_open = [i for i in first if i.state == 'open']
        opened = [i for i in first if i.state != 'open']
        cls.open(to_open, dates, form=True)
        cls._write_dates(opened, ['form_opened_date'], dates)

    @classmethod
    def answer(cls, invitations, dates=None):
        "The answers were stored (by Response.submit)"
        # the transition checked as Workflow.transition checks it, without
        # its read of every invitation again once written (the state is
        # written here)
        invitations = [i for i in invitations
            if (i.state, 'answered') in cls._transitions]
        cls._write_dates(invitations, ['answered_date'], dates, 'answered')

    @classmethod
    @Workflow.transition('declined')
    def decline(cls, invitations, dates=None):
        "The citizen chose not to take part: recorded as such, no answer"
        cls._write_dates(invitations, ['declined_date'], dates, 'declined')

    @classmethod
    @Workflow.transition('expired')
    def expire(cls, invitations):
        "The validity ended without an answer"
        now = cls.now()
        for invitation in invitations:
            if invitation.expiry >= now:
                raise AccessError(gettext(
                        'public_satisfaction.msg_invitation_not_expired',
                        invitation=invitation.rec_name))

    @classmethod
    @Workflow.transition('revoked')
    def revoke(cls, invitations, replaced_by=None):
        """Revoke invitations, recording who did it and, in replaced_by
        (invitation id: new invitation), which invitation replaced each"""
        now = cls.now()
        user = Transaction().user or None
        replaced_by = replaced_by or {}
        to_write = []
        for invitation in invitations:
            new = replaced_by.get(invitation.id)
            to_write.extend(([invitation], {
                        'revoked_date': now,
                        'revoked_by': user,
                        'replaced_by': new.id if new else None,
                        }))
        if to_write:
            cls.write(*to_write)

    @classmethod
    def expire_overdue(cls):
        "Move the open invitations whose validity ended to expired (cron)"
        invitations = cls.search([
                ('state', 'in', list(OPEN_STATES)),
                ('expiry', '<', cls.now()),
                ])
        cls.expire(invitations)

    @classmethod
    def mark_printed(cls, invitations, dates=None):
        "The receipt with the QR code of invitations was printed"
        cls._write_dates(invitations, ['printed_date'], dates)

    @classmethod
    def find_by_token(cls, token, lock=False):
        """Return the invitation of token or None; never raises on bad input

        With lock, the invitation is locked until the end of the
        transaction: a concurrent answer of the same invitation waits for
        this one (at most LOCK_TIMEOUT seconds on PostgreSQL), then sees it
        answered."""
        if not tokens.is_well_formed_token(token):
            return None
        token_hash = tokens.hash_token(token)
        if lock and backend.name == 'postgresql':
            # Found and locked in one query, waiting for the lock: the
            # NOWAIT lock of ModelSQL.lock() fails a burst of submissions
            # of the same invitation with LockNotAvailable instead of
            # letting them see it answered (409)
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(
                'SET LOCAL lock_timeout = %d' % (LOCK_TIMEOUT * 1000))
            # with the columns that the answer reads (the ORM reads the
            # others when asked)
            names = LOCKED_COLUMNS
            cursor.execute(*table.select(
                    table.id, *[getattr(table, n) for n in names],
                    where=table.token_hash == token_hash,
                    limit=1, for_=For('UPDATE')))
            row = cursor.fetchone()
            if not row:
                return None
            return cls(row[0], **dict(zip(names, row[1:])))
        invitations = cls.search([('token_hash', '=', token_hash)], limit=1)
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

        Both must match; the caller must not tell which one did not.  The
        dossier code may be typed in any case, with spaces or without its
        dots and dashes: it is compared with the real code of the
        invitations of the short code with the separators removed on both
        sides (tokens.compact_code), since the number of dot groups of an
        agency code varies (H15.01, H15.50.05.13).  One query, whether the
        short code exists or not: its time tells nothing about either."""
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        short_code = tokens.normalize_short_code(short_code)
        typed = tokens.compact_code(dossier_code)
        if not short_code or not typed or len(typed) > 40:
            return None
        invitation = cls.__table__()
        dossier = Dossier.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*invitation.join(
                dossier, condition=dossier.id == invitation.dossier
                ).select(invitation.id, dossier.code,
                where=(invitation.short_code == short_code)
                & invitation.state.in_(list(OPEN_STATES))))
        for invitation_id, code in cursor:
            if tokens.compact_code(code) == typed:
                return cls(invitation_id)
        return None


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('satisfaction.invitation|expire_overdue',
                "Expire Survey Invitations"))
