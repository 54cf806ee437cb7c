# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    one_stop_agency = fields.Many2One(
        'one_stop.agency', "One-stop Agency", ondelete='RESTRICT',
        help="The agency whose dossiers the user handles.")
    one_stop_counter = fields.Many2One(
        'one_stop.counter', "One-stop Counter", ondelete='RESTRICT',
        domain=[('agency', '=', Eval('one_stop_agency', -1))],
        help="The counter the user usually sits at.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._context_fields.insert(0, 'one_stop_agency')

    @classmethod
    def get_one_stop_agencies(cls):
        "Return the ids of the agencies of the current user"
        user_id = Transaction().user
        if not user_id:
            return []
        user = cls(user_id)
        return [user.one_stop_agency.id] if user.one_stop_agency else []
