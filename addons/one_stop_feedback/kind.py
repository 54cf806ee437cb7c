# This file is part of the one_stop_feedback module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)

from .rules import DEFAULT_HANDLING_DAYS


class Kind(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Feedback Subject"
    __name__ = 'one_stop.feedback.kind'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True,
        help="Fixed identifier used by the modules (e.g. lateness).")
    handling_days = fields.Integer(
        "Handling Deadline", required=True,
        domain=[('handling_days', '>=', 1)],
        help="Working days to answer a feedback of this subject, counted "
        "from the day after the agency in charge got it.")
    legal_basis = fields.Text(
        "Legal Basis", translate=True,
        help="The text that sets the deadline.")
    deadline_confirmed = fields.Boolean(
        "Deadline Confirmed",
        help="Unticked: the deadline is a default not confirmed by the "
        "legal basis; check it against the rules of the sector.")
    about_dossier = fields.Boolean(
        "About the Dossier",
        help="A feedback of this subject about a dossier counts against "
        "that dossier (Decision 766/QĐ-TTg, ratio 3: reception, handling, "
        "lateness).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'one_stop_feedback.msg_kind_code_unique'),
            ]

    @classmethod
    def default_handling_days(cls):
        return DEFAULT_HANDLING_DAYS

    @classmethod
    def default_deadline_confirmed(cls):
        return False

    @classmethod
    def default_about_dossier(cls):
        return False
