# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Evaluators' views of the figures: by agency and by month, computed by the
database (GROUP BY) for the dates chosen in the context."""
import datetime as dt

from sql import Cast, Literal, Null
from sql.aggregate import Count, Min
from sql.conditionals import Case
from sql.functions import DateTrunc, Function

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .statistics import utc_bounds


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
    satisfied = fields.Integer("Satisfied (4-5)")
    rated = fields.Integer("Overall Ratings")
    coverage = fields.Function(fields.Float(
            "Coverage", digits=(4, 3)), 'get_rates')
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
                result['coverage'][record.id] = (
                    record.answered / record.eligible
                    if record.eligible else None)
            if 'satisfaction' in names:
                result['satisfaction'][record.id] = (
                    record.satisfied / record.rated if record.rated else None)
            if 'required_rate' in names:
                result['required_rate'][record.id] = required
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
        Dossier = pool.get('one_stop.dossier')
        context = Transaction().context
        invitation = source if source is not None else Invitation.__table__()
        response = Response.__table__()
        answer = Answer.__table__()
        question = Question.__table__()
        overall = answer.join(
            question, condition=answer.question == question.id
            ).join(response, condition=answer.response == response.id
            ).select(
            response.invitation, answer.value,
            where=(question.element == 'overall') & (answer.value != Null)
            & ((response.excluded == Literal(False))
                | (response.excluded == Null)))
        condition = invitation.state != 'revoked'
        from_date, to_date = context.get('from_date'), context.get('to_date')
        if from_date and to_date:
            low, high = utc_bounds(from_date, to_date, Dossier.timezone())
            condition &= ((invitation.returned_date >= low)
                & (invitation.returned_date < high))
        if where is not None:
            condition &= where(invitation)
        return invitation.join(
            overall, 'LEFT', condition=overall.invitation == invitation.id
            ).select(
            Min(invitation.id).as_('id'),
            *extra_columns(invitation),
            Count(invitation.dossier, distinct=True).as_('eligible'),
            Count(Case((invitation.state == 'answered', invitation.id))
                ).as_('answered'),
            Count(Case((invitation.state == 'declined', invitation.id))
                ).as_('declined'),
            Count(Case((overall.value >= 4, invitation.id))
                ).as_('satisfied'),
            Count(overall.value).as_('rated'),
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
