# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Evaluators' views of the figures: by agency and by month, computed by the
database (GROUP BY) for the dates chosen in the context."""
import datetime as dt
from functools import reduce
from operator import add

from sql import Cast
from sql.functions import DateTrunc, Function

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from . import scoring
from .statistics import (
    RATED_ELEMENTS, RATING_ELEMENTS, figures_query, rating_column)

# element: (the label of its rate, the label of its counts)
ELEMENT_LABELS = {
    'access': ("Access", "Access"),
    'procedure': ("Procedure", "Procedure"),
    'official': ("Civil Servant", "Civil Servant"),
    'result': ("Result", "Result"),
    'feedback': ("Feedback Handling", "Feedback"),
    }
RATE_LABELS = {
    'sipas_index': "SIPAS-style Index",
    'coverage': "Coverage",
    'flagged_rate': "Flagged Rate",
    'excluded_rate': "Excluded Rate",
    'satisfaction': "Satisfaction",
    'required_rate': "Required Rate",
    }


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
    # and, defined below the class: satisfied_<element>, rated_<element>
    # and <element> (its rate) of each element of ELEMENT_LABELS, and the
    # rates of RATE_LABELS, all computed by get_rates

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
                result['satisfaction'][record.id] = scoring.ratio(
                    record.satisfied, record.rated)
            if 'required_rate' in names:
                result['required_rate'][record.id] = required
            rates = []
            for element in RATING_ELEMENTS:
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
    def _figures_query(cls, key, name, where=None):
        """The figures (statistics.figures_query) of the invitations returned
        in the dates of the context, per key(invitation) as column name"""
        context = Transaction().context
        figures = figures_query(
            key, context.get('from_date'), context.get('to_date'),
            where=where)

        def total(element, levels):
            return reduce(add, (
                    getattr(figures, rating_column(element, level))
                    for level in levels))
        columns = []
        for element in RATED_ELEMENTS:
            suffix = '' if element == 'overall' else f'_{element}'
            columns.append(
                total(element, scoring.SATISFIED).as_(f'satisfied{suffix}'))
            columns.append(
                total(element, scoring.LEVELS).as_(f'rated{suffix}'))
        return figures.select(
            figures.id, figures.key.as_(name), figures.eligible,
            figures.answered, figures.declined, figures.flagged,
            figures.excluded, *columns)


def _rate_field(label):
    return fields.Function(
        fields.Float(label, digits=(4, 3)), 'get_rates')


for _element, (_rate, _counts) in ELEMENT_LABELS.items():
    setattr(FigureMixin, f'satisfied_{_element}',
        fields.Integer(f"{_counts}: Satisfied"))
    setattr(FigureMixin, f'rated_{_element}',
        fields.Integer(f"{_counts}: Ratings"))
    setattr(FigureMixin, _element, _rate_field(_rate))
for _name, _rate in RATE_LABELS.items():
    setattr(FigureMixin, _name, _rate_field(_rate))
del _element, _rate, _counts, _name


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
            lambda invitation: invitation.agency, 'agency')


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
        agency = Transaction().context.get('agency')

        def month(invitation):
            # Months are cut on UTC dates (07:00 on the 1st in Viet Nam)
            month = DateTrunc('month', invitation.returned_date)
            if backend.name == 'sqlite':
                return SQLiteDate(month)
            return Cast(month, 'DATE')
        return cls._figures_query(
            month, 'month',
            where=(lambda invitation: invitation.agency == agency)
            if agency else None)


class SQLiteDate(Function):
    __slots__ = ()
    _function = 'DATE'
