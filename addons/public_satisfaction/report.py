# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.report import Report


class ResultReceipt(Report):
    "Result receipt with the invitation to the satisfaction survey"
    __name__ = 'one_stop.dossier.result_receipt'
