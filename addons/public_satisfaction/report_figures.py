# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Evaluators' views of the figures: by agency and by month, computed by the
database (GROUP BY) for the dates chosen in the context.

The graphs draw percentages (the ``*_percent`` fields, 0 to 100) and the
views by agency are sorted by the figure they draw (``order_*``), labelled
by the short name of the agency (``short_name``)."""
import datetime as dt
from functools import reduce
from operator import add

from sql import Cast
from sql.aggregate import Max, Min
from sql.conditionals import NullIf

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.one_stop.localtime import local_date
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from . import scoring
from .followup import followup_figures
from .statistics import (
    RATED_ELEMENTS, RATING_ELEMENTS, figures_query, local_month,
    rating_column)

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
# The rates drawn by the graphs, as <rate>_percent fields (0 to 100)
PERCENT_LABELS = {
    'coverage': "Coverage (%)",
    'satisfaction': "Satisfaction (%)",
    'required_rate': "Required Rate (%)",
    }
# The usual abbreviations of the names of Vietnamese agencies
ABBREVIATIONS = [
    ("Ủy ban nhân dân", "UBND"),
    ("Trung tâm Phục vụ hành chính công", "TTPVHCC"),
    ("Trung tâm Hành chính công", "TTHCC"),
    ]


def short_name(name, code=None):
    """The label of an agency in a graph: its name with the usual
    abbreviations ("Ủy ban nhân dân phường La Gi" → "UBND phường La Gi")
    and its code, which tells apart agencies of the same name (a ward
    before and after the 2025 reorganisation)"""
    name = name or ''
    for long, short in ABBREVIATIONS:
        if name.casefold().startswith(long.casefold()):
            name = short + name[len(long):]
            break
    return f'{name} [{code}]' if code else name


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
            rates = {
                'coverage': scoring.ratio(
                    record.answered - record.excluded, record.eligible),
                'satisfaction': scoring.ratio(
                    record.satisfied, record.rated),
                'required_rate': required,
                }
            for name in ['flagged', 'excluded']:
                rates[f'{name}_rate'] = scoring.ratio(
                    getattr(record, name), record.answered)
            for element in RATING_ELEMENTS:
                rates[element] = scoring.ratio(
                    getattr(record, f'satisfied_{element}'),
                    getattr(record, f'rated_{element}'))
            rates['sipas_index'] = scoring.sipas_index(
                [rates[e] for e in RATING_ELEMENTS])
            for name in PERCENT_LABELS:
                rate = rates[name]
                rates[f'{name}_percent'] = (
                    round(rate * 100, 1) if rate is not None else None)
            for name in names:
                result[name][record.id] = rates[name]
        return result

    # The order of the rates, from the columns of table_query: None (no
    # answer) is last when sorting with NULLS LAST
    @classmethod
    def order_coverage(cls, tables):
        table, _ = tables[None]
        return [Cast(table.answered - table.excluded, 'FLOAT')
            / NullIf(table.eligible, 0)]

    @classmethod
    def order_satisfaction(cls, tables):
        table, _ = tables[None]
        return [Cast(table.satisfied, 'FLOAT') / NullIf(table.rated, 0)]

    @classmethod
    def order_coverage_percent(cls, tables):
        return cls.order_coverage(tables)

    @classmethod
    def order_satisfaction_percent(cls, tables):
        return cls.order_satisfaction(tables)

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


def _rate_field(label, digits=(4, 3)):
    return fields.Function(
        fields.Float(label, digits=digits), 'get_rates')


for _element, (_rate, _counts) in ELEMENT_LABELS.items():
    setattr(FigureMixin, f'satisfied_{_element}',
        fields.Integer(f"{_counts}: Satisfied"))
    setattr(FigureMixin, f'rated_{_element}',
        fields.Integer(f"{_counts}: Ratings"))
    setattr(FigureMixin, _element, _rate_field(_rate))
for _name, _rate in RATE_LABELS.items():
    setattr(FigureMixin, _name, _rate_field(_rate))
for _name, _rate in PERCENT_LABELS.items():
    setattr(FigureMixin, f'{_name}_percent', _rate_field(_rate, (5, 1)))
del _element, _rate, _counts, _name


class FigureByAgency(FigureMixin, ModelSQL, ModelView):
    __string__ = "Satisfaction Figures by Agency"
    __name__ = 'satisfaction.report.agency'

    agency = fields.Many2One('one_stop.agency', "Agency")
    agency_label = fields.Function(
        fields.Char("Agency"), 'get_agency_label')
    followups_opened = fields.Function(
        fields.Integer("Follow-ups Opened"), 'get_followups')
    followups_on_time = fields.Function(
        fields.Integer("Follow-ups Answered on Time"), 'get_followups')
    followups_overdue = fields.Function(
        fields.Integer("Follow-ups Overdue"), 'get_followups')
    followups_rerated = fields.Function(
        fields.Integer("Follow-ups Re-rated"), 'get_followups')
    followups_rerated_rate = fields.Function(
        fields.Float("Re-ratings Satisfied Rate", digits=(4, 3)),
        'get_followups')
    followups_mean_change = fields.Function(
        fields.Float("Mean Change on Re-rating", digits=(4, 2)),
        'get_followups')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('agency', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        return cls._figures_query(
            lambda invitation: invitation.agency, 'agency')

    def get_agency_label(self, name):
        return short_name(self.agency.name, self.agency.code)

    @classmethod
    def get_followups(cls, records, names):
        "The follow-ups of the agencies opened in the dates of the context"
        context = Transaction().context
        start = context.get('from_date') or FigureContext.default_from_date()
        end = context.get('to_date') or FigureContext.default_to_date()
        figures = followup_figures(
            [r.agency.id for r in records if r.agency], start, end)
        result = {name: {} for name in names}
        for record in records:
            values = figures.get(record.agency.id if record.agency else None)
            for name in names:
                if values is None:
                    value = None
                elif name == 'followups_rerated_rate':
                    value = scoring.ratio(
                        values['rerated_satisfied'], values['rerated'])
                else:
                    value = values[name[len('followups_'):]]
                result[name][record.id] = value
        return result


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
        Dossier = pool.get('one_stop.dossier')
        context = Transaction().context
        agency = context.get('agency')
        start, end = context.get('from_date'), context.get('to_date')
        timezone = Dossier.timezone()
        if not (start and end):
            start, end = cls._returned_dates(timezone)
        return cls._figures_query(
            local_month(start, end, timezone), 'month',
            where=(lambda invitation: invitation.agency == agency)
            if agency else None)

    @classmethod
    def _returned_dates(cls, timezone):
        """The local dates of the first and last results returned with an
        invitation (today without any), for a search without dates"""
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        Dossier = pool.get('one_stop.dossier')
        invitation = Invitation.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*invitation.select(
                Min(invitation.returned_date),
                Max(invitation.returned_date)))
        first, last = cursor.fetchone()
        if first is None:
            today = Dossier.today()
            return today, today
        if isinstance(first, str):
            # SQLite gives the text of an aggregate of a datetime column
            first, last = map(dt.datetime.fromisoformat, [first, last])
        return local_date(first, timezone), local_date(last, timezone)
