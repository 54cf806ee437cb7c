# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    ModelSQL,
    ModelView,
    Unique,
    fields,
    sequence_ordered,
    tree,
)
from trytond.model.exceptions import ValidationError
from trytond.pyson import Eval

from .period import PeriodContentMixin
from .scoring import canonical_decimal


class Criterion(
        PeriodContentMixin, sequence_ordered(), tree(separator=' / '),
        ModelSQL, ModelView):
    __string__ = "Reform Criterion"
    __name__ = 'reform.criterion'

    period = fields.Many2One(
        'reform.period', "Period", required=True, ondelete='CASCADE')
    parent = fields.Many2One(
        'reform.criterion', "Parent", ondelete='CASCADE',
        domain=[
            ('period', '=', Eval('period', -1)),
            ('id', '!=', Eval('id', -1)),
            ])
    children = fields.One2Many(
        'reform.criterion', 'parent', "Children",
        domain=[('period', '=', Eval('period', -1))])
    code = fields.Char(
        "Code", required=True,
        help="Unique in the period, e.g. 1, 1.2, 1.2.a.")
    name = fields.Char("Name", required=True, translate=True)
    max_points = fields.Numeric(
        "Maximum Points", digits=(16, 2), required=True,
        help="For an area or a criterion with sub-criteria, at least the sum "
        "of the maxima of its children.")
    kind = fields.Selection([
            ('manual', "Entered by hand"),
            ], "Kind", required=True,
        help="How the points of the criterion are obtained.")
    kind_string = kind.translated('kind')
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('period_code_unique', Unique(t, t.period, t.code),
                'reform_evaluation.msg_criterion_code_unique'),
            ]
        cls._order.append(('code', 'ASC'))

    @staticmethod
    def default_kind():
        return 'manual'

    @staticmethod
    def default_max_points():
        return Decimal(0)

    @fields.depends('parent', '_parent_parent.period')
    def on_change_parent(self):
        if self.parent and self.parent.period:
            self.period = self.parent.period

    def get_rec_name(self, name):
        return f'{self.code} {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    def is_computed(self):
        """Return True when the points are computed by the system rather
        than entered by hand; modules adding kinds override it."""
        return False

    @classmethod
    def validate_fields(cls, criteria, field_names):
        super().validate_fields(criteria, field_names)
        if field_names & {'max_points'}:
            for criterion in criteria:
                if criterion.max_points < 0:
                    raise ValidationError(gettext(
                            'reform_evaluation.msg_criterion_max_negative',
                            criterion=criterion.rec_name))
        if field_names & {'parent', 'period'}:
            for criterion in criteria:
                if (criterion.parent
                        and criterion.parent.period != criterion.period):
                    raise ValidationError(gettext(
                            'reform_evaluation.msg_criterion_parent_period',
                            criterion=criterion.rec_name,
                            parent=criterion.parent.rec_name))
        if field_names & {'parent', 'max_points'}:
            to_check = set()
            for criterion in criteria:
                to_check.add(criterion)
                if criterion.parent:
                    to_check.add(criterion.parent)
            for criterion in to_check:
                criterion.check_children_max()

    def check_children_max(self):
        total = sum((c.max_points or 0 for c in self.children), Decimal(0))
        if self.children and total > self.max_points:
            raise ValidationError(gettext(
                    'reform_evaluation.msg_criterion_children_max',
                    criterion=self.rec_name,
                    max_points=canonical_decimal(self.max_points),
                    total=canonical_decimal(total)))

    def get_content(self):
        "The criterion in the published content of its period"
        return {
            'code': self.code,
            'name': self.name,
            'parent': self.parent.code if self.parent else None,
            'kind': self.kind,
            'max_points': self.max_points,
            }
