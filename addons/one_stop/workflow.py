# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""What the workflows of the one-stop modules share: moves refused with a
clear message instead of Workflow.transition's silent skip."""
from trytond.i18n import gettext

from .exceptions import TransitionError


def state_label(Model, state):
    "The label of state in the user's language"
    return dict(Model.fields_get(['state'])['state']['selection']).get(
        state, state)


def check_moves(Model, records, to_state, message, name):
    """Refuse the move of records to to_state where Model's workflow does
    not allow it: message (an ir.message id) gets the record's name as
    name, its state as from_state and to_state"""
    for record in records:
        if (record.state != to_state
                and (record.state, to_state) not in Model._transitions):
            raise TransitionError(gettext(message, **{
                        name: record.rec_name,
                        'from_state': state_label(Model, record.state),
                        'to_state': state_label(Model, to_state)}))
