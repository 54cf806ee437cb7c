# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""External platforms, their keys and the audit of their calls.

A platform (VNPT iGate, Viettel, OpenCPS …) calls the API with Tryton's own
application keys (``res.user.application``, application "satisfaction_api")
of the user of the platform; the decorator ``user_application`` of
``trytond.protocols.wrappers`` authenticates them.  The keys of this
application are stored hashed (SHA-256): ``check`` hashes the key it is
given, so a copy of the database holds no usable key.  A key is revoked by
cancelling it (or the platform by deactivating it).
"""
import hashlib
import re
import uuid

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access
from trytond.wizard import Button, StateView, Wizard

APPLICATION = 'satisfaction_api'
_HASHED = re.compile(r'[0-9a-f]{64}')


def hash_key(key):
    return hashlib.sha256((key or '').encode('utf-8')).hexdigest()


class Platform(DeactivableMixin, ModelSQL, ModelView):
    __string__ = "API Platform"
    __name__ = 'satisfaction.api.platform'

    name = fields.Char("Name", required=True)
    code = fields.Char(
        "Code", required=True,
        help="A short name of the platform, e.g. igate.")
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='RESTRICT',
        help="The user the keys of the platform act as (made with the "
        "platform, without password nor group).")
    applicant = fields.Many2One(
        'party.party', "Applicant", readonly=True, ondelete='RESTRICT',
        help="The applicant of the mirrored dossiers: the external "
        "platform keeps the citizen's data, the mirror none.")
    agencies = fields.Many2Many(
        'satisfaction.api.platform-one_stop.agency', 'platform', 'agency',
        "Agencies",
        help="The only agencies whose dossiers and figures the platform "
        "may read and write.")
    keys = fields.One2Many(
        'res.user.application', 'satisfaction_platform', "Keys",
        readonly=True)
    webhooks = fields.One2Many(
        'satisfaction.api.webhook', 'platform', "Webhooks")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'satisfaction_api.msg_platform_code_unique'),
            ('user_unique', Unique(t, t.user),
                'satisfaction_api.msg_platform_user_unique'),
            ]
        cls._buttons.update({
                'new_key': {},
                'revoke_keys': {
                    'invisible': ~Eval('keys'),
                    'depends': ['keys'],
                    },
                })

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        vlist = [v.copy() for v in vlist]
        with without_check_access():
            for values in vlist:
                code = values.get('code') or uuid.uuid4().hex[:8]
                if not values.get('user'):
                    user, = User.create([{
                                'name': values.get('name') or code,
                                'login': f'api.{code}.{uuid.uuid4().hex[:6]}',
                                }])
                    values['user'] = user.id
                if not values.get('applicant'):
                    party, = Party.create([{
                                'name': gettext(
                                    'satisfaction_api.msg_platform_applicant',
                                    platform=values.get('name') or code),
                                }])
                    values['applicant'] = party.id
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for _, values in zip(actions, actions):
            for name in ['user', 'applicant']:
                if name in values:
                    raise AccessError(gettext(
                            'satisfaction_api.msg_platform_field_fixed',
                            field=getattr(cls, name).string))
        super().write(*args)

    @classmethod
    def delete(cls, platforms):
        if platforms:
            raise AccessError(gettext(
                    'satisfaction_api.msg_platform_delete'))

    @classmethod
    def issue_key(cls, platform):
        """Make a new key of platform and return it: the only time it is
        known, the database keeps its hash"""
        pool = Pool()
        Application = pool.get('res.user.application')
        key = Application.default_key()
        with without_check_access():
            Application.create([{
                        'key': key,
                        'user': platform.user.id,
                        'application': APPLICATION,
                        'satisfaction_platform': platform.id,
                        'state': 'validated',
                        }])
        return key

    @classmethod
    @ModelView.button_action('satisfaction_api.wizard_platform_new_key')
    def new_key(cls, platforms):
        pass

    @classmethod
    @ModelView.button
    def revoke_keys(cls, platforms):
        "Cancel every key of platforms: their next call is refused (401)"
        pool = Pool()
        Application = pool.get('res.user.application')
        with without_check_access():
            keys = Application.search([
                    ('satisfaction_platform', 'in', [p.id for p in platforms]),
                    ('state', '!=', 'cancelled'),
                    ])
            Application.cancel(keys)

    def in_scope(self, agency):
        return agency in self.agencies


class PlatformAgency(ModelSQL):
    __string__ = "API Platform - Agency"
    __name__ = 'satisfaction.api.platform-one_stop.agency'

    platform = fields.Many2One(
        'satisfaction.api.platform', "Platform", required=True,
        ondelete='CASCADE')
    agency = fields.Many2One(
        'one_stop.agency', "Agency", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('platform_agency_unique', Unique(t, t.platform, t.agency),
                'satisfaction_api.msg_platform_agency_unique'),
            ]


class UserApplication(metaclass=PoolMeta):
    __name__ = 'res.user.application'

    satisfaction_platform = fields.Many2One(
        'satisfaction.api.platform', "API Platform", readonly=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.application.selection.append((APPLICATION, "Satisfaction API"))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # stored hashed: the key shown before saving is the only copy
        if (values.get('application') == APPLICATION
                and values.get('key')
                and not _HASHED.fullmatch(values['key'])):
            values['key'] = hash_key(values['key'])
        return values

    @classmethod
    def check(cls, key, application):
        if application == APPLICATION:
            if not key or len(key) > 256:
                return None
            key = hash_key(key)
        return super().check(key, application)


class Call(ModelSQL, ModelView):
    """One call of the API: who (the platform and key, when known), what
    (method, route, how many dossiers), the answer (status, error code) and
    when; written for every call, refused ones included"""
    __string__ = "API Call"
    __name__ = 'satisfaction.api.call'
    _log = False

    platform = fields.Many2One(
        'satisfaction.api.platform', "Platform", readonly=True,
        ondelete='RESTRICT')
    key = fields.Many2One(
        'res.user.application', "Key", readonly=True, ondelete='SET NULL')
    method = fields.Char("Method", readonly=True)
    route = fields.Char("Route", readonly=True)
    path = fields.Char("Path", readonly=True)
    status = fields.Integer("Status", readonly=True)
    error = fields.Char("Error", readonly=True)
    items = fields.Integer("Dossiers", readonly=True)
    duration = fields.Integer("Duration (ms)", readonly=True)
    date = fields.DateTime("Date", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.platform, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.date, Index.Range())),
                })

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('satisfaction_api.msg_call_readonly'))

    @classmethod
    def delete(cls, calls):
        if calls:
            raise AccessError(gettext('satisfaction_api.msg_call_readonly'))


class NewKeyShow(ModelView):
    __string__ = "New API Key"
    __name__ = 'satisfaction.api.platform.new_key.show'

    platform = fields.Many2One(
        'satisfaction.api.platform', "Platform", readonly=True)
    key = fields.Char(
        "Key", readonly=True,
        help="Copy it now: it is shown once, the database keeps its hash.")


class NewKey(Wizard):
    __string__ = "New API Key"
    __name__ = 'satisfaction.api.platform.new_key'

    start = StateView(
        'satisfaction.api.platform.new_key.show',
        'satisfaction_api.platform_new_key_show_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        return {
            'platform': self.record.id,
            'key': self.model.issue_key(self.record),
            }
