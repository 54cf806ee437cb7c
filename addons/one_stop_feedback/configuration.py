# This file is part of the one_stop_feedback module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Id

from .rules import DEFAULT_REMINDER_DAYS, DEFAULT_TRANSFER_DAYS


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __string__ = "Feedback Configuration"
    __name__ = 'one_stop.feedback.configuration'

    feedback_sequence = fields.Many2One(
        'ir.sequence', "Feedback Sequence", required=True,
        domain=[
            ('sequence_type', '=',
                Id('one_stop_feedback', 'sequence_type_feedback')),
            ],
        help="Numbers the feedback of the whole province: the code stays "
        "the same when a feedback is transferred to another agency.")
    transfer_days = fields.Integer(
        "Transfer Deadline", required=True,
        domain=[('transfer_days', '>=', 0)],
        help="Working days to transfer a feedback outside the receiving "
        "agency's competence (Decree 20/2008/NĐ-CP: 5).")
    reminder_days = fields.Integer(
        "Reminder", required=True,
        domain=[('reminder_days', '>=', 0)],
        help="Working days before the deadline when the handlers of the "
        "agency are reminded.")

    @classmethod
    def default_feedback_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('one_stop_feedback', 'sequence_feedback')
        except KeyError:
            return None

    @classmethod
    def default_transfer_days(cls):
        return DEFAULT_TRANSFER_DAYS

    @classmethod
    def default_reminder_days(cls):
        return DEFAULT_REMINDER_DAYS
