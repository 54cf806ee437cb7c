# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Evaluators' views of the figures: by agency and by month, computed by the
database (GROUP BY) for the dates chosen in the context."""
import datetime as dt

from sql import Cast, Literal, Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import DateTrunc, Function

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from . import scoring
from .statistics import RATING_ELEMENTS as ELEMENTS
from .statistics import utc_bounds

RATED_ELEMENTS = ELEMENTS + ('overall',)


class FigureContext(ModelView):
    __string__ = "Satisfaction Figures Context"
    __name__ = 'satisfaction.report.context'

    from_date = fields.Date(
        "From", required=True,
        domain=[If(Eval('to_date'), ('from_date', '<=', Eval('to_date')),
                ())])
    to_date = fields.Date(
        "To", required=True,
        domain=[If(Eval('from_date'), ('to_date', '>=', Eval('from_date')),
                ())])
    agency = fields.Many2One(
        'one_stop.agency', "Agency",
        help="Limit the monthly trend to one agency.")
    required_rate = fields.Float(
        "Required Survey Rate", digits=(4, 3),
        help="Drawn as a line beside the coverage of each agency.")

    @classmethod
    def default_from_date(cls):
        return dt.date(dt.date.today().year, 1, 1)

    @classmethod
    def default_to_date(cls):
        return dt.date.today()

    @classmethod
    def default_required_rate(cls):
        return 0.5


class FigureMixin:
    __slots__ = ()

    eligible = fields.Integer("Eligible Returned")
    answered = fields.Integer("Answered")
    declined = fields.Integer("Declined")
    flagged = fields.Integer(
        "Flagged", help="Answers with at least one interference signal.")
    excluded = fields.Integer(
        "Excluded", help="Answers excluded by evaluators: left out of every "
        "other figure.")
    satisfied = fields.Integer("Satisfied (4-5)")
    rated = fields.Integer("Overall Ratings")
    satisfied_access = fields.Integer("Access: Satisfied")
    rated_access = fields.Integer("Access: Ratings")
    satisfied_procedure = fields.Integer("Procedure: Satisfied")
    rated_procedure = fields.Integer("Procedure: Ratings")
    satisfied_official = fields.Integer("Civil Servant: Satisfied")
    rated_official = fields.Integer("Civil Servant: Ratings")
    satisfied_result = fields.Integer("Result: Satisfied")
    rated_result = fields.Integer("Result: Ratings")
    satisfied_feedback = fields.Integer("Feedback: Satisfied")
    rated_feedback = fields.Integer("Feedback: Ratings")
    access = fields.Function(fields.Float(
            "Access", digits=(4, 3)), 'get_rates')
    procedure = fields.Function(fields.Float(
            "Procedure", digits=(4, 3)), 'get_rates')
    official = fields.Function(fields.Float(
            "Civil Servant", digits=(4, 3)), 'get_rates')
    result = fields.Function(fields.Float(
            "Result", digits=(4, 3)), 'get_rates')
    feedback = fields.Function(fields.Float(
            "Feedback Handling", digits=(4, 3)), 'get_rates')
    sipas_index = fields.Function(fields.Float(
            "SIPAS-style Index", digits=(4, 3)), 'get_rates')
    coverage = fields.Function(fields.Float(
            "Coverage", digits=(4, 3)), 'get_rates')
    flagged_rate = fields.Function(fields.Float(
            "Flagged Rate", digits=(4, 3)), 'get_rates')
    excluded_rate = fields.Function(fields.Float(
            "Excluded Rate", digits=(4, 3)), 'get_rates')
    satisfaction = fields.Function(fields.Float(
            "Satisfaction", digits=(4, 3)), 'get_rates')
    required_rate = fields.Function(fields.Float(
            "Required Rate", digits=(4, 3)), 'get_rates')

    @classmethod
    def get_rates(cls, records, names):
        required = Transaction().context.get('required_rate')
        result = {n: {} for n in names}
        for record in records:
            if 'coverage' in names:
                result['coverage'][record.id] = scoring.ratio(
                    record.answered - record.excluded, record.eligible)
            for name in ['flagged', 'excluded']:
                if f'{name}_rate' in names:
                    result[f'{name}_rate'][record.id] = scoring.ratio(
                        getattr(record, name), record.answered)
            if 'satisfaction' in names:
                result['satisfaction'][record.id] = (
                    record.satisfied / record.rated if record.rated else None)
            if 'required_rate' in names:
                result['required_rate'][record.id] = required
            rates = []
            for element in ELEMENTS:
                rate = scoring.ratio(
                    getattr(record, f'satisfied_{element}'),
                    getattr(record, f'rated_{element}'))
                rates.append(rate)
                if element in names:
                    result[element][record.id] = rate
            if 'sipas_index' in names:
                result['sipas_index'][record.id] = scoring.sipas_index(rates)
        return result

    @classmethod
    def _figures_query(
            cls, extra_columns, group_by, where=None, source=None):
        """Figures per group_by of the invitations returned in the context

        source is a query with the columns of the invitation table used here
        (default: the table itself)."""
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        Response = pool.get('satisfaction.response')
        Answer = pool.get('satisfaction.response.answer')
        Question = pool.get('satisfaction.question')
        Flag = pool.get('satisfaction.response.flag')
        Dossier = pool.get('one_stop.dossier')
        context = Transaction().context
        invitation = source if source is not None else Invitation.__table__()
        response = Response.__table__()
        answer = Answer.__table__()
        question = Question.__table__()
        # Per invitation first, so that several answers do not multiply it
        not_excluded = ((response.excluded == Literal(False))
            | (response.excluded == Null))
        columns = []
        for element in RATED_ELEMENTS:
            columns.append(Count(Case((
                            (question.element == element)
                            & (answer.value >= 4), answer.id))
                    ).as_(f'satisfied_{element}'))
            columns.append(Count(Case((
                            (question.element == element)
                            & (answer.value != Null), answer.id))
                    ).as_(f'rated_{element}'))
        rated = answer.join(
            question, condition=answer.question == question.id
            ).join(response, condition=answer.response == response.id
            ).select(
            response.invitation, *columns,
            where=(question.kind == 'rating') & not_excluded,
            group_by=[response.invitation])
        signal = Response.__table__()
        flag = Flag.__table__()
        signals = signal.select(
            signal.invitation,
            Count(Case((signal.id.in_(flag.select(flag.response)),
                        signal.id))).as_('flagged'),
            Count(Case((signal.excluded == Literal(True), signal.id))
                ).as_('excluded'),
            group_by=[signal.invitation])
        condition = invitation.state != 'revoked'
        from_date, to_date = context.get('from_date'), context.get('to_date')
        if from_date and to_date:
            low, high = utc_bounds(from_date, to_date, Dossier.timezone())
            condition &= ((invitation.returned_date >= low)
                & (invitation.returned_date < high))
        if where is not None:
            condition &= where(invitation)

        def total(name):
            return Sum(Coalesce(getattr(rated, name), 0))
        sums = []
        for element in RATED_ELEMENTS:
            for prefix in ['satisfied', 'rated']:
                name = f'{prefix}_{element}'
                alias = (prefix if element == 'overall' else name)
                sums.append(total(name).as_(alias))
        return invitation.join(
            rated, 'LEFT', condition=rated.invitation == invitation.id
            ).join(signals, 'LEFT',
                condition=signals.invitation == invitation.id
            ).select(
            Min(invitation.id).as_('id'),
            *extra_columns(invitation),
            # One invitation that is not revoked per dossier
            Count(invitation.id).as_('eligible'),
            Count(Case((invitation.state == 'answered', invitation.id))
                ).as_('answered'),
            Count(Case((invitation.state == 'declined', invitation.id))
                ).as_('declined'),
            Sum(Coalesce(signals.flagged, 0)).as_('flagged'),
            Sum(Coalesce(signals.excluded, 0)).as_('excluded'),
            *sums,
            where=condition,
            group_by=group_by(invitation))


class FigureByAgency(FigureMixin, ModelSQL, ModelView):
    __string__ = "Satisfaction Figures by Agency"
    __name__ = 'satisfaction.report.agency'

    agency = fields.Many2One('one_stop.agency', "Agency")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('agency', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        return cls._figures_query(
            lambda t: [t.agency.as_('agency')],
            lambda t: [t.agency])


class FigureByMonth(FigureMixin, ModelSQL, ModelView):
    __string__ = "Satisfaction Figures by Month"
    __name__ = 'satisfaction.report.month'

    month = fields.Date("Month")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        agency = Transaction().context.get('agency')
        invitation = Invitation.__table__()
        # Months are cut on UTC dates (07:00 on the 1st in Viet Nam)
        month = DateTrunc('month', invitation.returned_date)
        if backend.name == 'sqlite':
            month = SQLiteDate(month)
        else:
            month = Cast(month, 'DATE')
        # Grouped in an outer query: PostgreSQL does not match two
        # DATE_TRUNC with bound parameters as the same expression
        source = invitation.select(
            invitation.id, invitation.agency, invitation.dossier,
            invitation.state, invitation.returned_date,
            month.as_('month'))
        return cls._figures_query(
            lambda t: [t.month.as_('month')],
            lambda t: [t.month],
            where=(lambda t: t.agency == agency) if agency else None,
            source=source)


class SQLiteDate(Function):
    __slots__ = ()
    _function = 'DATE'
