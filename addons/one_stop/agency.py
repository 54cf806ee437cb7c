# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt

from sql.conditionals import Coalesce
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin,
    ModelSQL,
    ModelView,
    Unique,
    fields,
    tree,
)
from trytond.model.exceptions import ValidationError
from trytond.pyson import Eval, If

from .codes import is_valid_agency_code


class Agency(DeactivableMixin, tree(), ModelSQL, ModelView):
    __string__ = "One-stop Agency"
    __name__ = 'one_stop.agency'
    _rec_name = 'name'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True,
        help="Agency code in the QCVN 102:2016/BTTTT form, "
        "e.g. H15.50.05.13.")
    kind = fields.Selection([
            ('department', "Provincial Department"),
            ('province_committee', "Provincial People's Committee"),
            ('district_committee', "District People's Committee"),
            ('commune_committee', "Commune People's Committee"),
            ('service_centre', "Public Administration Service Centre"),
            ('ministry', "Ministry"),
            ('other', "Other"),
            ], "Kind", required=True, sort=False)
    parent = fields.Many2One(
        'one_stop.agency', "Parent", ondelete='RESTRICT',
        domain=[('id', '!=', Eval('id', -1))])
    children = fields.One2Many('one_stop.agency', 'parent', "Children")
    start_date = fields.Date(
        "Valid From",
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('start_date', '<=', Eval('end_date')),
                ())])
    end_date = fields.Date(
        "Valid Until",
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('end_date', '>=', Eval('start_date')),
                ())],
        help="The last day the agency received dossiers "
        "(e.g. 30/06/2025 for the district level).")
    successor = fields.Many2One(
        'one_stop.agency', "Successor", ondelete='RESTRICT',
        domain=[('id', '!=', Eval('id', -1))],
        states={'invisible': ~Eval('end_date')},
        help="The agency that took over its procedures and dossiers.")
    predecessors = fields.One2Many(
        'one_stop.agency', 'successor', "Predecessors", readonly=True)
    counters = fields.One2Many('one_stop.counter', 'agency', "Counters")
    address = fields.Char("Address")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'one_stop.msg_agency_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @staticmethod
    def default_kind():
        return 'department'

    def get_rec_name(self, name):
        return f'{self.name} [{self.code}]'

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

    def is_valid_on(self, date):
        "Return True when the agency receives dossiers on date"
        return ((not self.start_date or self.start_date <= date)
            and (not self.end_date or date <= self.end_date))

    @classmethod
    def validate_fields(cls, agencies, field_names):
        super().validate_fields(agencies, field_names)
        if field_names & {'code'}:
            for agency in agencies:
                if not is_valid_agency_code(agency.code):
                    raise ValidationError(gettext(
                            'one_stop.msg_agency_code_invalid',
                            code=agency.code))
        if field_names & {'successor', 'end_date'}:
            for agency in agencies:
                if agency.successor and not agency.end_date:
                    raise ValidationError(gettext(
                            'one_stop.msg_agency_successor_without_end',
                            agency=agency.rec_name))

    @classmethod
    def validate(cls, agencies):
        super().validate(agencies)
        cls.check_successor_cycle(agencies)

    @classmethod
    def check_successor_cycle(cls, agencies):
        for agency in agencies:
            seen = {agency.id}
            successor = agency.successor
            while successor:
                if successor.id in seen:
                    raise ValidationError(gettext(
                            'one_stop.msg_agency_successor_cycle',
                            agency=agency.rec_name))
                seen.add(successor.id)
                successor = successor.successor

    def current_successor(self, date=None):
        "Follow successors until the agency valid on date (default today)"
        if date is None:
            date = dt.date.today()
        agency = self
        seen = set()
        while (agency.end_date and agency.end_date < date
                and agency.successor and agency.id not in seen):
            seen.add(agency.id)
            agency = agency.successor
        return agency

    @classmethod
    def order_code(cls, tables):
        table, _ = tables[None]
        return [Coalesce(table.code, '')]
