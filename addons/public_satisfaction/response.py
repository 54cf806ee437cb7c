# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
from dataclasses import dataclass

from sql import Null
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import Check, Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.one_stop.localtime import utc_bounds
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import bulk, integrity
from .answers import QuestionSpec
from .pages import question_rows
from .questionnaire import ELEMENTS

RESPONSE_COLUMNS = (
    'invitation', 'dossier', 'questionnaire', 'submitted_date', 'language',
    'comment', 'review_state', 'excluded', 'ip_prefix', 'device_hash')
ANSWER_COLUMNS = ('question', 'value', 'not_applicable', 'choice', 'text')
REVIEW_STATES = [
    ('none', "Not Flagged"),
    ('pending', "Waiting for Review"),
    ('confirmed', "Confirmed"),
    ('excluded', "Excluded"),
    ]
REVIEW_ACTIONS = [
    ('confirm', "Confirm"),
    ('exclude', "Exclude"),
    ('restore', "Restore"),
    ]


class Response(ModelSQL, ModelView):
    "The answer of one citizen to one invitation; never edited or deleted"
    __string__ = "Satisfaction Response"
    __name__ = 'satisfaction.response'

    invitation = fields.Many2One(
        'satisfaction.invitation', "Invitation", required=True,
        readonly=True, ondelete='RESTRICT')
    dossier = fields.Many2One(
        'one_stop.dossier', "Dossier", required=True, readonly=True,
        ondelete='RESTRICT')
    questionnaire = fields.Many2One(
        'satisfaction.questionnaire', "Questionnaire", required=True,
        readonly=True, ondelete='RESTRICT')
    submitted_date = fields.DateTime("Submitted", required=True, readonly=True)
    language = fields.Char("Language", readonly=True)
    comment = fields.Text("Comment", readonly=True)
    answers = fields.One2Many(
        'satisfaction.response.answer', 'response', "Answers", readonly=True)
    excluded = fields.Boolean(
        "Excluded", readonly=True,
        help="Left out of the scores by an evaluator, with a reason.")
    exclusion_reason = fields.Text("Exclusion Reason", readonly=True)
    flags = fields.One2Many(
        'satisfaction.response.flag', 'response', "Interference Signals",
        readonly=True)
    ip_prefix = fields.Char(
        "Network Prefix", readonly=True,
        help="The /24 (IPv6 /48) network the answer was sent from; "
        "the address itself is never stored.")
    device_hash = fields.Char(
        "Device Hash", readonly=True,
        help="A keyed hash of the browser and the network prefix.")
    review_state = fields.Selection(
        REVIEW_STATES, "Review", required=True, readonly=True, sort=False)
    reviews = fields.One2Many(
        'satisfaction.response.review', 'response', "Reviews",
        readonly=True)
    # What the evaluators need to review an answer without reading the
    # dossier (its applicant is no business of theirs): the snapshot of the
    # invitation and the dossier's code
    dossier_code = fields.Function(
        fields.Char("Dossier Code"), 'get_dossier_code')
    agency = fields.Function(
        fields.Many2One('one_stop.agency', "Agency"), 'get_snapshot',
        searcher='search_snapshot')
    counter = fields.Function(
        fields.Many2One('one_stop.counter', "Counter"), 'get_snapshot',
        searcher='search_snapshot')
    signals = fields.Function(
        fields.Char("Signals"), 'get_signals')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('invitation_unique', Unique(t, t.invitation),
                'public_satisfaction.msg_response_once'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.dossier, Index.Equality())),
                # The same-device count of submit(): trytond searches a
                # Char that is not required as COALESCE(column, ''), which
                # an index of the bare column does not serve (a sequential
                # scan of the responses on every answer, docs/performance.md)
                Index(t, (Coalesce(t.device_hash, ''), Index.Equality()),
                    (t.submitted_date, Index.Range())),
                Index(t, (t.review_state, Index.Equality()),
                    where=t.review_state == 'pending'),
                })
        cls._order = [('submitted_date', 'DESC'), ('id', 'DESC')]
        cls.__rpc__.update({
                'review': RPC(readonly=False, instantiate=0),
                })
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('excluded', False)
                    | (Eval('review_state') == 'confirmed'),
                    'icon': 'tryton-ok',
                    'depends': ['excluded', 'review_state'],
                    },
                'exclude': {
                    'invisible': Eval('excluded', False),
                    'icon': 'tryton-cancel',
                    'depends': ['excluded'],
                    },
                'restore': {
                    'invisible': ~Eval('excluded', False),
                    'icon': 'tryton-undo',
                    'depends': ['excluded'],
                    },
                })

    @classmethod
    def default_excluded(cls):
        return False

    @classmethod
    def default_review_state(cls):
        return 'none'

    @classmethod
    @ModelView.button_action('public_satisfaction.wizard_response_confirm')
    def confirm(cls, responses):
        pass

    @classmethod
    @ModelView.button_action('public_satisfaction.wizard_response_exclude')
    def exclude(cls, responses):
        pass

    @classmethod
    @ModelView.button_action('public_satisfaction.wizard_response_restore')
    def restore(cls, responses):
        pass

    @classmethod
    def check_reviewer(cls):
        "Raise unless the user is a satisfaction evaluator"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        transaction = Transaction()
        if transaction.user == 0 or not transaction.check_access:
            return
        group = ModelData.get_id(
            'public_satisfaction', 'group_satisfaction_evaluator')
        if group not in User.get_groups():
            raise AccessError(gettext(
                    'public_satisfaction.msg_review_not_allowed'))

    @classmethod
    def review(cls, responses, action, reason):
        """Confirm, exclude or restore responses with a reason, audited.

        The last action decides whether a response is excluded."""
        pool = Pool()
        Review = pool.get('satisfaction.response.review')
        Invitation = pool.get('satisfaction.invitation')
        cls.check_reviewer()
        reason = (reason or '').strip()
        if action not in dict(REVIEW_ACTIONS):
            raise AccessError(gettext(
                    'public_satisfaction.msg_review_action_invalid'))
        if not reason:
            raise AccessError(gettext(
                    'public_satisfaction.msg_review_reason_required'))
        for response in responses:
            if (action == 'restore') != bool(response.excluded):
                raise AccessError(gettext(
                        'public_satisfaction.msg_review_action_invalid'))
        user = Transaction().user or None
        now = Invitation.now()
        if action == 'exclude':
            values = {
                'excluded': True, 'exclusion_reason': reason,
                'review_state': 'excluded'}
        else:
            values = {
                'excluded': False, 'exclusion_reason': None,
                'review_state': 'confirmed'}
        with without_check_access():
            cls.lock(responses)
            cls.write(list(responses), values)
            Review.create([{
                        'response': r.id,
                        'action': action,
                        'reason': reason,
                        'user': user,
                        'date': now,
                        } for r in responses])

    def get_rec_name(self, name):
        return self.dossier_code

    @classmethod
    def pending_review(cls, start, end):
        """The flagged responses waiting for review of the results returned
        from start to end (local dates, both included)"""
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        low, high = utc_bounds(start, end, Dossier.timezone())
        return cls.search([
                ('review_state', '=', 'pending'),
                ('invitation.returned_date', '>=', low),
                ('invitation.returned_date', '<', high),
                ])

    @classmethod
    def get_dossier_code(cls, responses, name):
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        with without_check_access():
            dossiers = Dossier.browse([r.dossier.id for r in responses])
            codes = {d.id: d.code for d in dossiers}
        return {r.id: codes[r.dossier.id] for r in responses}

    @classmethod
    def get_snapshot(cls, responses, name):
        return {r.id: getattr(r.invitation, name).id
            if getattr(r.invitation, name) else None for r in responses}

    @classmethod
    def search_snapshot(cls, name, clause):
        nested = clause[0][len(name):]
        return [(f'invitation.{name}{nested}',) + tuple(clause[1:])]

    @classmethod
    def get_signals(cls, responses, name):
        "The reasons of the flags, in the user's language"
        pool = Pool()
        Flag = pool.get('satisfaction.response.flag')
        labels = dict(Flag.fields_get(['reason'])['reason']['selection'])
        return {r.id: ', '.join(labels.get(f.reason, f.reason)
                for f in r.flags) or None for r in responses}

    @classmethod
    def write(cls, *args):
        # Only an exclusion (by an evaluator, with a reason) may be recorded
        actions = iter(args)
        for _, values in zip(actions, actions):
            if set(values) - {
                    'excluded', 'exclusion_reason', 'review_state'}:
                raise AccessError(gettext(
                        'public_satisfaction.msg_response_readonly'))
        super().write(*args)

    @classmethod
    def delete(cls, responses):
        if responses:
            raise AccessError(gettext(
                    'public_satisfaction.msg_response_readonly'))

    @staticmethod
    def question_specs(questionnaire):
        return [QuestionSpec(
                code=q.code, kind=q.kind, required=bool(q.required),
                allow_not_applicable=bool(q.allow_not_applicable),
                choices=tuple(c.value for c in q.choices),
                max_length=q.max_length or 1000)
            for q in questionnaire.ordered_questions()]

    @classmethod
    def submit(
            cls, invitation, answers, language=None, client=None, **values):
        """Store the answers of one invitation and close it (see
        submit_many); values: the other fields of the Submission"""
        response, = cls.submit_many([Submission(
                    invitation, answers, language=language, client=client,
                    **values)])
        return response

    @classmethod
    def submit_many(cls, submissions):
        """Store the validated answers of each Submission and close its
        invitation; return the responses in the same order.

        The caller holds a lock on each invitation and checked it is open.
        A submission with a client (the address, user agent and honeypot of
        the request) is checked for interference signals, stored with the
        answer; one without (an import of history) is not.

        The responses are inserted in bulk (bulk.py) from the values made
        here; the database keeps their guards, the unique invitation first
        (whose error the survey route answers as "already answered")."""
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        Answer = pool.get('satisfaction.response.answer')
        Flag = pool.get('satisfaction.response.flag')
        Configuration = pool.get('satisfaction.configuration')
        Feedback = pool.get('one_stop.feedback')
        ModelAccess = pool.get('ir.model.access')
        ModelAccess.check(cls.__name__, 'create')
        settings = Configuration.answer_settings()
        key = Configuration.get_token_key()
        now = Invitation.now()
        vlist, lines, signals = [], [], []
        dates = {}
        for submission in submissions:
            invitation = submission.invitation
            date = submission.date or now
            dates[invitation.id] = date
            comment, answer_lines = cls._answer_lines(
                invitation, submission.answers)
            values = {
                'invitation': invitation.id,
                'dossier': invitation.dossier.id,
                'questionnaire': invitation.questionnaire.id,
                'submitted_date': date,
                'language': submission.language,
                'comment': comment,
                'review_state': 'none',
                'excluded': False,
                'ip_prefix': None,
                'device_hash': None,
                }
            found = []
            if submission.client is not None:
                found = cls._signals(
                    invitation, submission.client, date, key, settings,
                    values)
            vlist.append(values)
            lines.append(answer_lines)
            signals.append(found)
        ids = bulk.insert(cls, vlist, RESPONSE_COLUMNS, ids_by='invitation')
        responses = cls.browse([ids[v['invitation']] for v in vlist])
        Answer.insert([dict(line, response=response.id)
                for response, response_lines in zip(responses, lines)
                for line in response_lines])
        Flag.insert([{'response': response.id, 'reason': reason,
                    'detail': detail or None}
                for response, found in zip(responses, signals)
                for reason, detail in found])
        Invitation.answer([s.invitation for s in submissions], dates)
        Feedback.open_followups(responses, submissions)
        return responses

    @classmethod
    def _answer_lines(cls, invitation, answers):
        "The comment and the answer lines of a response"
        questions = question_rows(invitation.questionnaire)
        comment = None
        lines = []
        for answer in answers:
            question, kind, element = questions[answer.code]
            line = dict.fromkeys(ANSWER_COLUMNS)
            line['question'] = question
            if kind == 'text':
                if element == 'comment':
                    comment = answer.text
                line['text'] = answer.text
            else:
                line.update(
                    value=answer.value,
                    not_applicable=bool(answer.not_applicable),
                    choice=answer.choice)
            lines.append(line)
        return comment, lines

    @classmethod
    def _signals(cls, invitation, client, date, key, settings, values):
        """Return the interference signals found, [(reason, detail)], and
        set in values the network prefix, device hash and review state
        (settings: Configuration.answer_settings())"""
        address = client.get('address') or ''
        prefix = integrity.ip_prefix(address)
        device = integrity.device_hash(
            key, client.get('user_agent') or '', prefix)
        window = settings['device_window']
        same_device = 0
        if window:
            same_device = cls.search_count([
                    ('device_hash', '=', device),
                    ('submitted_date', '>=',
                        integrity.window_start(date, window)),
                    ])
        counter = invitation.counter
        found = integrity.signals(
            date, address=address,
            networks=counter.networks if counter else None,
            printed=invitation.printed_date,
            opened=invitation.form_opened_date,
            honeypot=client.get('honeypot') or '',
            same_device=same_device,
            print_seconds=settings['print_seconds'],
            min_seconds=settings['min_seconds'],
            form_shown=invitation.form_opened_date is not None,
            device_limit=settings['device_limit'])
        values.update(
            ip_prefix=prefix or None,
            device_hash=device,
            review_state='pending' if found else 'none')
        return found


@dataclass
class Submission:
    "The validated answers of one invitation, as Response.submit_many takes"
    invitation: object
    answers: list  # of answers.Answer (answers.validate)
    language: str = None
    # the address, user_agent and honeypot of the request; None: not sent
    # from a citizen's browser (an import of history)
    client: dict = None
    date: dt.datetime = None  # default: now
    # the citizen marked the comment as a complaint
    complaint: bool = False
    # a phone number left for a callback (followup_rules.callback_phone)
    callback_phone: str = None

    def overall(self):
        "The overall rating of the answers, None when not answered"
        rows = question_rows(self.invitation.questionnaire)
        for answer in self.answers:
            if (rows[answer.code][2] == 'overall'
                    and answer.value is not None):
                return answer.value
        return None


class Flag(ModelSQL, ModelView):
    "An interference signal found when a response was submitted"
    __string__ = "Satisfaction Response Flag"
    __name__ = 'satisfaction.response.flag'

    response = fields.Many2One(
        'satisfaction.response', "Response", required=True, readonly=True,
        ondelete='CASCADE')
    reason = fields.Selection(
        integrity.REASONS, "Reason", required=True, readonly=True)
    detail = fields.Char("Detail", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('response')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.response, Index.Equality())))

    @classmethod
    def insert(cls, rows):
        """Insert the flags of responses being submitted (dicts of
        response, reason, detail) in bulk (see bulk.py)"""
        bulk.insert(cls, rows, ('response', 'reason', 'detail'))

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('public_satisfaction.msg_response_readonly'))

    @classmethod
    def delete(cls, flags):
        if flags:
            raise AccessError(gettext(
                    'public_satisfaction.msg_response_readonly'))


class Review(ModelSQL, ModelView):
    "An evaluator's decision on a response; never changed nor deleted"
    __string__ = "Satisfaction Response Review"
    __name__ = 'satisfaction.response.review'

    response = fields.Many2One(
        'satisfaction.response', "Response", required=True, readonly=True,
        ondelete='RESTRICT')
    action = fields.Selection(
        REVIEW_ACTIONS, "Action", required=True, readonly=True, sort=False)
    reason = fields.Text("Reason", required=True, readonly=True)
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='RESTRICT')
    date = fields.DateTime("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.response, Index.Equality())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('public_satisfaction.msg_review_readonly'))

    @classmethod
    def delete(cls, reviews):
        if reviews:
            raise AccessError(gettext(
                    'public_satisfaction.msg_review_readonly'))


class ReviewStart(ModelView):
    __string__ = "Review Satisfaction Responses"
    __name__ = 'satisfaction.response.review.start'

    reason = fields.Text("Reason", required=True)


class _ReviewWizard(Wizard):
    action_name = None
    start = StateView(
        'satisfaction.response.review.start',
        'public_satisfaction.response_review_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("OK", 'review', 'tryton-ok', default=True),
            ])
    review = StateTransition()

    def transition_review(self):
        pool = Pool()
        Response = pool.get('satisfaction.response')
        Response.review(list(self.records), self.action_name,
            self.start.reason)
        return 'end'


class ReviewConfirm(_ReviewWizard):
    __string__ = "Confirm Satisfaction Responses"
    __name__ = 'satisfaction.response.confirm'
    action_name = 'confirm'


class ReviewExclude(_ReviewWizard):
    __string__ = "Exclude Satisfaction Responses"
    __name__ = 'satisfaction.response.exclude'
    action_name = 'exclude'


class ReviewRestore(_ReviewWizard):
    __string__ = "Restore Satisfaction Responses"
    __name__ = 'satisfaction.response.restore'
    action_name = 'restore'


class Answer(ModelSQL, ModelView):
    __string__ = "Satisfaction Answer"
    __name__ = 'satisfaction.response.answer'

    response = fields.Many2One(
        'satisfaction.response', "Response", required=True, readonly=True,
        ondelete='CASCADE')
    question = fields.Many2One(
        'satisfaction.question', "Question", required=True, readonly=True,
        ondelete='RESTRICT')
    element = fields.Function(
        fields.Selection(ELEMENTS, "Element"), 'get_element')
    # 1 to 5: checked by the database and by create(), not by a field
    # domain, whose validation reads every answer again after its insert
    value = fields.Integer("Rating", readonly=True)
    not_applicable = fields.Boolean("Not Applicable", readonly=True)
    choice = fields.Char("Choice", readonly=True)
    text = fields.Text("Text", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('response')
        t = cls.__table__()
        cls._sql_constraints += [
            ('value_range',
                Check(t, (t.value == Null)
                    | ((t.value >= 1) & (t.value <= 5))),
                'public_satisfaction.msg_answer_value_range'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.response, Index.Equality())),
                # The unsatisfied dossiers of Decision 766 (bench/scorecard.py)
                Index(t, (t.question, Index.Equality()),
                    (t.value, Index.Range())),
                })

    def get_element(self, name):
        return self.question.element

    @classmethod
    def create(cls, vlist):
        for values in vlist:
            cls.check_value(values.get('value'))
        return super().create(vlist)

    @classmethod
    def check_value(cls, value):
        if value is not None and not 1 <= value <= 5:
            raise ValidationError(gettext(
                    'public_satisfaction.msg_answer_value_range'))

    @classmethod
    def insert(cls, rows):
        """Insert the answer lines of responses being submitted (dicts of
        response and ANSWER_COLUMNS) in bulk (see bulk.py): the ratings are
        checked here and by the CHECK of the table"""
        for row in rows:
            cls.check_value(row['value'])
        bulk.insert(cls, rows, ('response',) + ANSWER_COLUMNS)

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('public_satisfaction.msg_response_readonly'))

    @classmethod
    def delete(cls, answers):
        if answers:
            raise AccessError(gettext(
                    'public_satisfaction.msg_response_readonly'))
