# This file is part of the one_stop_feedback module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard


class TransferStart(ModelView):
    __string__ = "Transfer Feedback"
    __name__ = 'one_stop.feedback.transfer.start'

    current_agency = fields.Many2One(
        'one_stop.agency', "Agency in Charge", readonly=True)
    agency = fields.Many2One(
        'one_stop.agency', "Competent Agency", required=True,
        domain=[('id', '!=', Eval('current_agency', -1))],
        help="The agency that must answer the feedback.")
    reason = fields.Text(
        "Reason", required=True,
        help="Why the feedback is outside the competence of the agency in "
        "charge.")


class Transfer(Wizard):
    __string__ = "Transfer Feedback"
    __name__ = 'one_stop.feedback.transfer'

    start = StateView(
        'one_stop.feedback.transfer.start',
        'one_stop_feedback.transfer_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Transfer", 'transfer', 'tryton-forward', default=True),
            ])
    transfer = StateTransition()

    def default_start(self, fields):
        agencies = {r.agency.id for r in self.records}
        return {
            'current_agency': agencies.pop() if len(agencies) == 1 else None,
            }

    def transition_transfer(self):
        pool = Pool()
        Feedback = pool.get('one_stop.feedback')
        # A wizard runs without the access checks of its user: the user
        # must be allowed to change the feedback, not only to read it
        with check_access():
            Feedback.transfer_to(
                list(self.records), self.start.agency, self.start.reason)
        return 'end'
