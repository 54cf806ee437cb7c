# This file is part of the one_stop_feedback module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Dossier(metaclass=PoolMeta):
    __name__ = 'one_stop.dossier'

    # The feedback handlers read the dossiers their cases are about
    # (dossier.xml); the dossier's views do not show it
    feedbacks = fields.One2Many(
        'one_stop.feedback', 'dossier', "Feedback", readonly=True)
