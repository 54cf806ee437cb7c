# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError

from .networks import parse_networks


class Counter(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "One-stop Counter"
    __name__ = 'one_stop.counter'

    agency = fields.Many2One(
        'one_stop.agency', "Agency", required=True, ondelete='CASCADE')
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('general', "General Counter"),
            ('result', "Result Return Counter"),
            ('post_office', "Post Office Result Counter"),
            ], "Kind", required=True, sort=False)
    direct_print = fields.Boolean(
        "Direct Printing",
        help="The browsers of this counter print without asking (Chromium "
        "started with --kiosk-printing): the page of a receipt closes "
        "itself once sent to the printer.")
    networks = fields.Text(
        "Network Ranges",
        help="Network ranges (CIDR) of the counter's own devices, "
        "one per line, e.g. 10.20.1.0/24.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('agency_code_unique', Unique(t, t.agency, t.code),
                'one_stop.msg_counter_code_unique'),
            ]
        cls._order.insert(0, ('agency', 'ASC'))
        cls._order.insert(1, ('code', 'ASC'))

    @staticmethod
    def default_kind():
        return 'general'

    def get_rec_name(self, name):
        return f'{self.name} ({self.agency.code})'

    @classmethod
    def validate_fields(cls, counters, field_names):
        super().validate_fields(counters, field_names)
        if field_names & {'networks'}:
            for counter in counters:
                try:
                    parse_networks(counter.networks)
                except ValueError as exception:
                    raise ValidationError(gettext(
                            'one_stop.msg_counter_network_invalid',
                            network=str(exception),
                            counter=counter.rec_name)) from exception
