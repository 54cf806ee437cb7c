# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Applicants as Vietnamese one-stop offices record them: full name, CCCD or
passport number, phone and an address of street, ward or commune and
province (since the 2025 reorganisation)."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta

from .identity import (
    compact, compact_phone, is_valid_cccd, is_valid_passport)
from .provinces import PROVINCES

CCCD, PASSPORT = 'vn_cccd', 'vn_passport'
IDENTIFIER_TYPES = [
    (CCCD, "Citizen Identity Card (CCCD)"),
    (PASSPORT, "Vietnamese Passport"),
    ]
PHONE_TYPES = ('mobile', 'phone')


class Configuration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # first in the list of identifier types
        selection = [
            t for t in cls.identifier_types.selection
            if t[0] not in dict(IDENTIFIER_TYPES)]
        cls.identifier_types.selection = IDENTIFIER_TYPES + selection


class Identifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @fields.depends('type', 'code')
    def on_change_with_code(self):
        if self.type in {CCCD, PASSPORT} and self.code:
            return compact(self.code)
        return super().on_change_with_code()

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('type') in {CCCD, PASSPORT} and values.get('code'):
            values['code'] = values['code_compact'] = compact(values['code'])
        return values

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if getattr(self, 'type', None) in {CCCD, PASSPORT}:
            code = compact(getattr(self, 'code', None))
            if code and code != getattr(self, 'code_compact', None):
                values['code_compact'] = code
        return values

    @fields.depends('type', 'party', 'code')
    def check_code(self):
        super().check_code()
        if self.type == CCCD and not is_valid_cccd(self.code):
            raise ValidationError(gettext(
                    'one_stop.msg_identifier_cccd_invalid',
                    code=self.code or '',
                    digits=sum(c.isdigit() for c in self.code or '')))
        if self.type == PASSPORT and not is_valid_passport(self.code):
            raise ValidationError(gettext(
                    'one_stop.msg_identifier_passport_invalid',
                    code=self.code or ''))


class Address(metaclass=PoolMeta):
    __name__ = 'party.address'

    ward = fields.Char(
        "Ward / Commune",
        help="The ward (phường), commune (xã) or special zone (đặc khu).")
    province = fields.Selection(
        [(None, "")] + PROVINCES, "Province / City", sort=False,
        help="One of the 34 provinces and cities since 2025.")

    def get_full_address(self, name):
        if not (self.ward or self.province):
            return super().get_full_address(name)
        lines = [getattr(self, 'party_name', None), self.attn, self.street,
            self.ward,
            self.province_string if self.province else None]
        return '\n'.join(
            line.strip() for line in lines if line and line.strip())

    province_string = province.translated('province')


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    cccd = fields.Function(
        fields.Char("CCCD No.", help="The 12 digits of the citizen "
            "identity card (căn cước)."),
        'get_identity', setter='set_identity', searcher='search_identity')
    passport = fields.Function(
        fields.Char("Passport No.", help="For applicants without a CCCD."),
        'get_identity', setter='set_identity', searcher='search_identity')
    applicant_phone = fields.Function(
        fields.Char("Phone"),
        'get_applicant_phone', setter='set_applicant_phone',
        searcher='search_applicant_phone')
    applicant_street = fields.Function(
        fields.Char("Street", help="House number, street, hamlet."),
        'get_applicant_address', setter='set_applicant_address')
    applicant_ward = fields.Function(
        fields.Char("Ward / Commune"),
        'get_applicant_address', setter='set_applicant_address')
    applicant_province = fields.Function(
        fields.Selection([(None, "")] + PROVINCES, "Province / City",
            sort=False),
        'get_applicant_address', setter='set_applicant_address')

    _identity_types = {'cccd': CCCD, 'passport': PASSPORT}
    _address_fields = {
        'applicant_street': 'street', 'applicant_ward': 'ward',
        'applicant_province': 'province'}

    def get_identity(self, name):
        type_ = self._identity_types[name]
        for identifier in self.identifiers:
            if identifier.type == type_:
                return identifier.code

    @classmethod
    def set_identity(cls, parties, name, value):
        pool = Pool()
        Identifier = pool.get('party.identifier')
        type_ = cls._identity_types[name]
        value = compact(value)
        to_save, to_delete = [], []
        for party in parties:
            found = [i for i in party.identifiers if i.type == type_]
            if not value:
                to_delete.extend(found)
            elif found:
                found[0].code = value
                to_save.append(found[0])
            else:
                to_save.append(Identifier(party=party, type=type_, code=value))
        Identifier.save(to_save)
        Identifier.delete(to_delete)

    @classmethod
    def search_identity(cls, name, clause):
        _, operator, value, *extra = clause
        if isinstance(value, str):
            value = compact(value)
        return [('identifiers', 'where', [
                    ('type', '=', cls._identity_types[name]),
                    ('code', operator, value, *extra),
                    ])]

    def _applicant_phone_mechanism(self):
        for mechanism in self.contact_mechanisms:
            if mechanism.type in PHONE_TYPES:
                return mechanism

    def get_applicant_phone(self, name):
        mechanism = self._applicant_phone_mechanism()
        return mechanism.value if mechanism else None

    @classmethod
    def set_applicant_phone(cls, parties, name, value):
        pool = Pool()
        ContactMechanism = pool.get('party.contact_mechanism')
        value = compact_phone(value)
        to_save, to_delete = [], []
        for party in parties:
            mechanism = party._applicant_phone_mechanism()
            if not value:
                if mechanism:
                    to_delete.append(mechanism)
            elif mechanism:
                mechanism.value = value
                to_save.append(mechanism)
            else:
                to_save.append(ContactMechanism(
                        party=party, type='mobile', value=value))
        ContactMechanism.save(to_save)
        ContactMechanism.delete(to_delete)

    @classmethod
    def search_applicant_phone(cls, name, clause):
        _, operator, value, *extra = clause
        if isinstance(value, str):
            value = compact_phone(value)
        return [('contact_mechanisms', 'where', [
                    ('type', 'in', list(PHONE_TYPES)),
                    ('value', operator, value, *extra),
                    ])]

    def get_applicant_address(self, name):
        address = self.addresses[0] if self.addresses else None
        if address:
            return getattr(address, self._address_fields[name])

    @classmethod
    def set_applicant_address(cls, parties, name, value):
        pool = Pool()
        Address = pool.get('party.address')
        field = cls._address_fields[name]
        to_save = []
        for party in parties:
            if party.addresses:
                address = party.addresses[0]
            elif value:
                address = Address(party=party)
            else:
                continue
            setattr(address, field, value)
            to_save.append(address)
        Address.save(to_save)

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        _, operator, value, *extra = clause
        if isinstance(value, str) and operator.endswith('like'):
            # what the clerk typed, without the spaces and dots of a CCCD or
            # a phone number
            stripped = compact_phone(value)
            if stripped != value:
                domain.append(
                    ('identifiers.code_compact', operator, stripped, *extra))
                domain.append(
                    ('contact_mechanisms.value', operator, stripped, *extra))
        return domain
