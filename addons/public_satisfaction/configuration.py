# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
import secrets
from types import MappingProxyType

from trytond import config
from trytond.cache import Cache
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import without_check_access
from trytond.url import http_host

from .eligibility import Rules

# what every answer reads of the configuration: the interference signals
# (response.py) and the closed loop (followup.py, followup_web.py)
ANSWER_SETTINGS = {
    'device_window': 0, 'device_limit': 0, 'print_seconds': 0,
    'min_seconds': 0, 'followup_max_rating': 0,
    'followup_complaints': False, 'followup_callback': False,
    'followup_kind': None,
    }


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __string__ = "Satisfaction Configuration"
    __name__ = 'satisfaction.configuration'

    survey_base_url = fields.Char(
        "Survey Base URL",
        help="The address citizens reach the survey at, as printed in the "
        "QR code, e.g. https://hailong.example.gov.vn; "
        "empty: this server's address.")
    expiry_days = fields.Integer(
        "Invitation Validity", required=True,
        domain=[('expiry_days', '>', 0)],
        help="Days during which a citizen can answer after the result "
        "was returned.")
    default_questionnaire = fields.Many2One(
        'satisfaction.questionnaire', "Default Questionnaire",
        domain=[('active', '=', True)],
        help="Used by agencies that have no questionnaire of their own.")
    exclude_immediate_result = fields.Boolean(
        "Exclude Immediate Results",
        help="Do not survey procedures whose result is handed over "
        "immediately on receipt.")
    exclude_online = fields.Boolean(
        "Exclude Online Dossiers",
        help="Do not survey dossiers submitted online "
        "(they are rated on the portal).")
    exclude_postal_submission = fields.Boolean(
        "Exclude Postal Dossiers",
        help="Do not survey dossiers submitted through the public postal "
        "service.")
    exclude_postal_return = fields.Boolean(
        "Exclude Results Sent by Post",
        help="Do not survey when the result is sent by post: there is no "
        "receipt to hand over.")
    print_seconds = fields.Integer(
        "Seconds After Printing",
        domain=[('print_seconds', '>=', 0)],
        help="An answer sent within this many seconds of the receipt being "
        "printed is flagged for review; 0 disables the signal.")
    min_seconds = fields.Integer(
        "Minimum Answering Time",
        domain=[('min_seconds', '>=', 0)],
        help="An answer completed in fewer seconds than this after the "
        "questionnaire was opened is flagged for review; 0 disables it.")
    device_limit = fields.Integer(
        "Answers per Device",
        domain=[('device_limit', '>=', 0)],
        help="From this number of answers sent by the same device within "
        "the window, they are flagged for review; 0 disables the signal.")
    device_window = fields.Integer(
        "Device Window",
        domain=[('device_window', '>=', 0)],
        help="In minutes.")
    followup_max_rating = fields.Integer(
        "Follow Up Ratings Up To",
        domain=[('followup_max_rating', '>=', 0),
            ('followup_max_rating', '<=', 5)],
        help="An answer whose overall rating (the lowest rating when the "
        "overall question is not answered) is at most this opens a "
        "follow-up the agency must answer; 0 disables it.")
    followup_complaints = fields.Boolean(
        "Follow Up Complaints",
        help="Offer the citizen to mark the comment as a complaint, which "
        "opens a follow-up whatever the ratings.")
    followup_kind = fields.Many2One(
        'one_stop.feedback.kind', "Follow-up Subject",
        help="The subject of the follow-ups, which sets their deadline; "
        "empty: \"Handling of Dossiers\".")
    followup_callback = fields.Boolean(
        "Offer a Callback",
        help="Offer the citizen of a follow-up to leave a phone number for "
        "a callback (explicit consent; seen only by the feedback handlers, "
        "erased when the case ends).")
    rerate_days = fields.Integer(
        "Re-rating Validity", required=True,
        domain=[('rerate_days', '>', 0)],
        help="Days after the agency's reply during which the citizen can "
        "rate how the follow-up was handled, at the survey link.")
    secret_key = fields.Char(
        "Secret Key", readonly=True,
        help="Used to derive survey tokens when the server configuration "
        "has no [public_satisfaction] token_key.")

    _answer_settings = Cache(
        'satisfaction.configuration.answer_settings', context=False)

    @classmethod
    def answer_settings(cls):
        """The settings that every answer reads (ANSWER_SETTINGS: name and
        value when not set; followup_kind as an id), read once until the
        configuration changes: a read-only mapping"""
        settings = cls._answer_settings.get(None)
        if settings is None:
            configuration = cls(1)
            settings = {}
            for name, unset in ANSWER_SETTINGS.items():
                value = getattr(configuration, name)
                if name == 'followup_kind':
                    value = value.id if value else None
                settings[name] = value if value is not None else unset
            cls._answer_settings.set(None, settings)
            settings = MappingProxyType(settings)
        return settings

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._answer_settings.clear()

    @classmethod
    def default_default_questionnaire(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id(
                'public_satisfaction', 'questionnaire_sipas_short')
        except KeyError:
            return None

    @classmethod
    def default_expiry_days(cls):
        return 7

    @classmethod
    def default_print_seconds(cls):
        return 20

    @classmethod
    def default_min_seconds(cls):
        return 15

    @classmethod
    def default_device_limit(cls):
        return 3

    @classmethod
    def default_device_window(cls):
        return 30

    @classmethod
    def default_followup_max_rating(cls):
        return 2

    @classmethod
    def default_followup_complaints(cls):
        return True

    @classmethod
    def default_followup_callback(cls):
        return False

    @classmethod
    def default_followup_kind(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('one_stop_feedback', 'kind_handling')
        except KeyError:
            return None

    @classmethod
    def default_rerate_days(cls):
        return 30

    @classmethod
    def default_exclude_immediate_result(cls):
        return True

    default_exclude_online = default_exclude_immediate_result
    default_exclude_postal_submission = default_exclude_immediate_result
    default_exclude_postal_return = default_exclude_immediate_result

    def get_rules(self):
        return Rules(
            exclude_immediate_result=self.exclude_immediate_result,
            exclude_online=self.exclude_online,
            exclude_postal_submission=self.exclude_postal_submission,
            exclude_postal_return=self.exclude_postal_return)

    def get_survey_base_url(self):
        url = self.survey_base_url or http_host()
        return url.rstrip('/')

    @classmethod
    def get_token_key(cls):
        """Return the key of the survey tokens.

        The server configuration is preferred: a copy of the database alone
        then yields no valid token.  Otherwise a key is generated once and
        kept in the configuration record.
        """
        key = config.get('public_satisfaction', 'token_key', default=None)
        if key:
            return key
        with without_check_access():
            configuration = cls(1)
            if not configuration.secret_key:
                cls.write([configuration], {
                        'secret_key': secrets.token_urlsafe(32),
                        })
                configuration = cls(1)
            return configuration.secret_key
