# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError


class PeriodPublishedError(AccessError):
    "A change to the content of a published period"


class TransitionError(UserError):
    pass
