# This file is part of the one_stop_feedback module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('one_stop.feedback|send_reminders',
                    "Remind the Handlers of Feedback Due Soon"),
                ('one_stop.feedback|escalate_overdue',
                    "Escalate Overdue Feedback to the Leaders"),
                ])
