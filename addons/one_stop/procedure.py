# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval


class ProcedureField(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Procedure Field"
    __name__ = 'one_stop.procedure.field'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")


class Procedure(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Administrative Procedure"
    __name__ = 'one_stop.procedure'

    code = fields.Char(
        "Code", required=True,
        help="Code in the national procedure database, e.g. 1.001612.")
    name = fields.Char("Name", required=True, translate=True)
    field = fields.Many2One(
        'one_stop.procedure.field', "Field", ondelete='RESTRICT',
        help="The field (lĩnh vực) of the procedure.")
    level = fields.Selection([
            ('ministry', "Ministry"),
            ('province', "Province"),
            ('district', "District"),
            ('commune', "Commune"),
            ], "Level", required=True, sort=False)
    processing_days = fields.Integer(
        "Processing Time", required=True,
        domain=[('processing_days', '>=', 0)],
        states={'readonly': Eval('immediate_result', False)},
        help="Legal processing time in working days.")
    fee = fields.Numeric(
        "Fee", digits=(16, 0), domain=['OR',
            ('fee', '=', None),
            ('fee', '>=', 0)],
        help="Fee and charge in VND.")
    immediate_result = fields.Boolean(
        "Immediate Result",
        help="The result is handed over immediately on receipt.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'one_stop.msg_procedure_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @staticmethod
    def default_level():
        return 'province'

    @staticmethod
    def default_processing_days():
        return 0

    @staticmethod
    def default_immediate_result():
        return False

    @fields.depends('immediate_result')
    def on_change_immediate_result(self):
        if self.immediate_result:
            self.processing_days = 0

    def get_rec_name(self, name):
        return f'{self.code} - {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]
