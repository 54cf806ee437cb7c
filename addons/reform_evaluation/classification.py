# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields, sequence_ordered
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction

from .period import PeriodContentMixin
from .scoring import classify


class _ThresholdMixin:
    __slots__ = ()

    label = fields.Char("Label", required=True, translate=True)
    min_points = fields.Numeric(
        "Minimum Points", digits=(16, 2), required=True,
        help="A total of at least this many points gets the label, unless a "
        "higher threshold is reached too.")

    @staticmethod
    def default_min_points():
        return Decimal(0)

    @classmethod
    def validate_fields(cls, thresholds, field_names):
        super().validate_fields(thresholds, field_names)
        if field_names & {'min_points'}:
            for threshold in thresholds:
                if threshold.min_points < 0:
                    raise ValidationError(gettext(
                            'reform_evaluation.msg_threshold_min_negative',
                            label=threshold.label))


class Classification(
        PeriodContentMixin, _ThresholdMixin, sequence_ordered(), ModelSQL,
        ModelView):
    __string__ = "Reform Classification Threshold"
    __name__ = 'reform.classification'
    _rec_name = 'label'

    period = fields.Many2One(
        'reform.period', "Period", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('period_min_points_unique', Unique(t, t.period, t.min_points),
                'reform_evaluation.msg_classification_min_unique'),
            ]
        cls._order = [('min_points', 'DESC'), ('id', 'ASC')]

    @classmethod
    def classify(cls, period, total):
        "Return the threshold of period that total reaches, or None"
        return classify(
            total, [(t.min_points, t) for t in period.classifications])

    def get_content(self):
        "The threshold in the published content of its period"
        return {
            'label': self.label,
            'min_points': self.min_points,
            }


class ClassificationDefault(
        _ThresholdMixin, sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Reform Default Classification Threshold"
    __name__ = 'reform.classification.default'
    _rec_name = 'label'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('min_points', 'DESC'), ('id', 'ASC')]

    @classmethod
    def create_thresholds(cls, defaults, period):
        """Create the thresholds of period from defaults, with the
        translations of their labels"""
        pool = Pool()
        Classification = pool.get('reform.classification')
        Lang = pool.get('ir.lang')
        Configuration = pool.get('ir.configuration')
        default_language = Configuration.get_language()
        with Transaction().set_context(language=default_language):
            thresholds = Classification.create([{
                        'period': period.id,
                        'label': d.label,
                        'min_points': d.min_points,
                        'sequence': d.sequence,
                        } for d in cls.browse(defaults)])
        for lang in Lang.search([('translatable', '=', True)]):
            if lang.code == default_language:
                continue
            with Transaction().set_context(
                    language=lang.code, fuzzy_translation=False):
                to_write = []
                for default, threshold in zip(
                        cls.browse(defaults), thresholds):
                    to_write.extend(([threshold], {'label': default.label}))
                if to_write:
                    Classification.write(*to_write)
        return thresholds
