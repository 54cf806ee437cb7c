# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.report import Report


class IntakeReceipt(Report):
    "Intake Receipt (Form 01)"
    __name__ = 'one_stop.dossier.intake_receipt'
