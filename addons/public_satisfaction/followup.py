# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The closed loop: every unhappy answer is followed up in the register of
feedback and petitions (one_stop_feedback), the citizen reads the reply at
the survey link and rates how it was handled, once (followup_rules.py).

A follow-up says what was rated and the comment, and nothing that tells who
answered: it names the procedure, the counter and the day of the return,
not the dossier (whose applicant the handlers could read).  The clerk who
returned the result never sees it (a global record rule).
"""
from collections import defaultdict

from sql import Cast, Null
from sql.aggregate import Avg, Count

from trytond.i18n import gettext
from trytond.model import Check, Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError
from trytond.modules.one_stop.localtime import (
    format_dmy, local_date, to_local, utc_bounds)
from trytond.modules.one_stop_feedback.feedback import CLOCK_KEY
from trytond.modules.one_stop_feedback.rules import (
    ANSWERED_STATES, OPEN_STATES)
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from . import followup_rules
from .statistics import _count

RATING_LABELS = {
    1: 'public_satisfaction.msg_rating_1',
    2: 'public_satisfaction.msg_rating_2',
    3: 'public_satisfaction.msg_rating_3',
    4: 'public_satisfaction.msg_rating_4',
    5: 'public_satisfaction.msg_rating_5',
    }
ORIGIN_MODEL = 'satisfaction.response'
# The context key of the server's own creation of re-ratings: a key
# starting with "_" never comes from a client
RERATE_KEY = '_satisfaction_rerate'


class Feedback(metaclass=PoolMeta):
    __name__ = 'one_stop.feedback'

    rated_user = fields.Many2One(
        'res.user', "Rated Clerk", readonly=True, ondelete='RESTRICT',
        help="The clerk who returned the result of a follow-up of the "
        "survey: that user never sees the follow-up.")
    reratings = fields.One2Many(
        'satisfaction.followup.rating', 'feedback', "Re-rating",
        readonly=True, size=1)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.origin, Index.Equality()),
                where=t.channel == 'survey'))

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [ORIGIN_MODEL]

    @classmethod
    def check_user_write(cls, feedbacks, values):
        # ratio 2 reads the rating: for a follow-up of the survey, only the
        # citizen's re-rating sets it (rerate)
        if 'rating' in values:
            for feedback in feedbacks:
                if feedback.channel == 'survey' and feedback.origin:
                    raise AccessError(gettext(
                            'public_satisfaction.msg_followup_rating_citizen',
                            feedback=feedback.rec_name))
        if 'rated_user' in values:
            raise AccessError(gettext(
                    'one_stop_feedback.msg_feedback_field_system',
                    field=cls.rated_user.string,
                    feedback=feedbacks[0].rec_name if feedbacks else ''))
        super().check_user_write(feedbacks, values)

    @classmethod
    def copy(cls, feedbacks, default=None):
        default = {} if default is None else default.copy()
        default.setdefault('reratings')
        default.setdefault('rated_user')
        return super().copy(feedbacks, default=default)

    @classmethod
    def followup_of(cls, response_id):
        "The follow-up of the response or None (no access check)"
        with without_check_access():
            feedbacks = cls.search([
                    ('channel', '=', 'survey'),
                    ('origin', '=', f'{ORIGIN_MODEL},{response_id}'),
                    ], limit=1)
        return feedbacks[0] if feedbacks else None

    @classmethod
    def needs_followup(cls, submission):
        "Whether the answer of submission (a response.Submission) opens one"
        pool = Pool()
        Configuration = pool.get('satisfaction.configuration')
        settings = Configuration.answer_settings()
        ratings = [a.value for a in submission.answers
            if a.value is not None]
        return followup_rules.needs_followup(
            submission.overall(), ratings, submission.complaint,
            settings['followup_max_rating'], settings['followup_complaints'])

    @classmethod
    def open_followups(cls, responses, submissions):
        """Open the follow-ups of the responses (stored from submissions, in
        the same order) that need one; return {response id: feedback}"""
        pool = Pool()
        Configuration = pool.get('satisfaction.configuration')
        Kind = pool.get('one_stop.feedback.kind')
        by_date = defaultdict(list)
        for response, submission in zip(responses, submissions):
            if cls.needs_followup(submission):
                by_date[submission.date].append((response, submission))
        if not by_date:
            return {}
        kind_id = Configuration.answer_settings()['followup_kind']
        # never left without a follow-up: the default subject
        kind = Kind(kind_id or Configuration.default_followup_kind())
        result = {}
        for date, items in by_date.items():
            context = {CLOCK_KEY: date} if date else {}
            with Transaction().set_context(context), \
                    without_check_access():
                vlist = [cls._followup_values(r, s, kind) for r, s in items]
                for (response, _), feedback in zip(
                        items, cls.create(vlist)):
                    result[response.id] = feedback
        return result

    @classmethod
    def _followup_values(cls, response, submission, kind):
        invitation = submission.invitation
        agency = invitation.agency
        # the agency that exists when the answer is stored (a merged
        # agency's follow-ups go to its successor)
        today = local_date(cls.now(), cls.timezone())
        if not agency.is_valid_on(today):
            agency = agency.current_successor(today)
        return {
            'channel': 'survey',
            'agency': agency.id,
            'kind': kind.id,
            'content': cls.followup_content(response, submission),
            'contact_phone': submission.callback_phone or None,
            'origin': f'{ORIGIN_MODEL},{response.id}',
            'rated_user': invitation.clerk.id if invitation.clerk else None,
            }

    @classmethod
    def followup_content(cls, response, submission):
        """The text of a follow-up, in the language of the database: what
        was rated, the comment, and what was served — never the dossier"""
        pool = Pool()
        Question = pool.get('satisfaction.question')
        Configuration = pool.get('ir.configuration')
        language = Configuration.get_language()
        invitation = submission.invitation
        texts = {}
        with Transaction().set_context(language=language):
            for question in Question.search([
                        ('questionnaire', '=', invitation.questionnaire.id),
                        ]):
                texts[question.code] = question.text
            procedure = invitation.procedure.rec_name
            counter = (invitation.counter.rec_name
                if invitation.counter else '-')
        returned = (format_dmy(to_local(
                    invitation.returned_date, cls.timezone()))
            if invitation.returned_date else '-')
        lines = [gettext(
                'public_satisfaction.msg_followup_header', language,
                procedure=procedure, counter=counter, date=returned)]
        comment = None
        for answer in submission.answers:
            if answer.value is not None:
                question = texts.get(answer.code, answer.code).strip()
                if not question.endswith(('?', ':', '.')):
                    question += ':'
                lines.append(gettext(
                        'public_satisfaction.msg_followup_rating', language,
                        question=question,
                        value=answer.value,
                        label=gettext(RATING_LABELS[answer.value], language)))
            elif answer.text:
                comment = answer.text
        if comment:
            lines.append(gettext(
                    'public_satisfaction.msg_followup_comment', language,
                    comment=comment))
        if submission.complaint:
            lines.append(gettext(
                    'public_satisfaction.msg_followup_complaint', language))
        return '\n'.join(lines)

    @classmethod
    def rerate(cls, feedback, response, value, comment=None, first=None):
        """Store the citizen's rating of the handling of the follow-up (the
        caller checked it is allowed) and record it on the feedback"""
        pool = Pool()
        Rerating = pool.get('satisfaction.followup.rating')
        with without_check_access(), \
                Transaction().set_context({RERATE_KEY: True}):
            rerating, = Rerating.create([{
                        'feedback': feedback.id,
                        'response': response.id,
                        'value': value,
                        'first_value': first,
                        'comment': comment or None,
                        'submitted_date': cls.now(),
                        }])
            cls.write_system([feedback], {'rating': str(value)})
        return rerating


class FollowUpRating(ModelSQL, ModelView):
    """The citizen's rating of how the follow-up of an answer was handled:
    one per follow-up, never changed; the answer itself is never changed"""
    __string__ = "Follow-up Re-rating"
    __name__ = 'satisfaction.followup.rating'

    feedback = fields.Many2One(
        'one_stop.feedback', "Follow-up", required=True, readonly=True,
        ondelete='RESTRICT')
    response = fields.Many2One(
        'satisfaction.response', "Answer", required=True, readonly=True,
        ondelete='RESTRICT')
    value = fields.Integer("Rating", required=True, readonly=True)
    first_value = fields.Integer(
        "First Rating", readonly=True,
        help="The rating the answer was judged on (overall, else lowest).")
    comment = fields.Text("Comment", readonly=True)
    submitted_date = fields.DateTime(
        "Submitted", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('feedback')
        t = cls.__table__()
        cls._sql_constraints += [
            ('feedback_unique', Unique(t, t.feedback),
                'public_satisfaction.msg_rerate_once'),
            ('value_range', Check(t, (t.value >= 1) & (t.value <= 5)),
                'public_satisfaction.msg_answer_value_range'),
            ]

    @classmethod
    def create(cls, vlist):
        # its access is the follow-up's (__access__), whose handlers may
        # create feedback: a re-rating comes from the citizen's link only
        if not Transaction().context.get(RERATE_KEY):
            raise AccessError(gettext(
                    'public_satisfaction.msg_rerate_citizen_only'))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('public_satisfaction.msg_response_readonly'))

    @classmethod
    def delete(cls, ratings):
        if ratings:
            raise AccessError(gettext(
                    'public_satisfaction.msg_response_readonly'))


class Rule(metaclass=PoolMeta):
    "The rule that hides a follow-up from the clerk it rates needs the user"
    __name__ = 'ir.rule'

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if {'one_stop.feedback', 'satisfaction.followup.rating'} & set(
                model_names):
            key = (*key, Transaction().user)
        return key

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['user_id'] = Transaction().user
        return context


def followup_figures(agency_ids, start, end):
    """Return {agency id: {figure: value}} of the follow-ups of the survey
    opened for the agencies from start to end (local dates, included):

    - opened, answered (answered or closed), on_time, late (answered late
      or open past the deadline), overdue (open past the deadline);
    - rerated, rerated_satisfied (re-rated 4 or 5), mean_change (mean of
      re-rating − first rating, None without a re-rating)."""
    pool = Pool()
    Feedback = pool.get('one_stop.feedback')
    Rerating = pool.get('satisfaction.followup.rating')
    cursor = Transaction().connection.cursor()
    feedback = Feedback.__table__()
    rerating = Rerating.__table__()
    today = Feedback.today()
    low, high = utc_bounds(start, end, Feedback.timezone())
    agency_ids = sorted(set(agency_ids))
    result = {a: dict(
            opened=0, answered=0, on_time=0, late=0, overdue=0, rerated=0,
            rerated_satisfied=0, mean_change=None) for a in agency_ids}

    def count(condition):
        return _count(condition, feedback.id)
    answered = feedback.state.in_(list(ANSWERED_STATES))
    overdue = (feedback.state.in_(list(OPEN_STATES))
        & (feedback.deadline_date < today))
    change = Cast(rerating.value - rerating.first_value, 'FLOAT')
    for sub_ids in grouped_slice(agency_ids):
        cursor.execute(*feedback.join(rerating, 'LEFT',
                condition=rerating.feedback == feedback.id).select(
                feedback.agency, Count(feedback.id),
                count(answered),
                count(answered & (feedback.timeliness == 'on_time')),
                count((answered & (feedback.timeliness == 'late'))
                    | overdue),
                count(overdue),
                count(rerating.id != Null),
                count(rerating.value >= 4),
                Avg(change),
                where=reduce_ids(feedback.agency, list(sub_ids))
                & (feedback.channel == 'survey')
                & (feedback.received_date >= low)
                & (feedback.received_date < high),
                group_by=[feedback.agency]))
        for agency, *values in cursor:
            figures = result[agency]
            for name, value in zip([
                        'opened', 'answered', 'on_time', 'late', 'overdue',
                        'rerated', 'rerated_satisfied'], values):
                figures[name] = int(value or 0)
            mean = values[-1]
            figures['mean_change'] = (
                float(mean) if mean is not None else None)
    return result
