# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The result receipt inviting to the survey, and the counter poster.

The QR codes are embedded as data: URI PNG images sized in millimetres, with
error correction M and the full quiet zone of 4 modules.  Nothing else is
fetched: the PDF is made by WeasyPrint with only the data: scheme allowed.
"""
import logging
import math
from io import BytesIO
from types import SimpleNamespace

from genshi.filters import Translator

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.one_stop.localtime import format_dmy, to_local
from trytond.modules.one_stop.qrcodes import qrcode_image
from trytond.modules.one_stop.report import SelfContainedHTMLReport
from trytond.pool import Pool
from trytond.report.report import MIMETYPES, TranslateFactory
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

logger = logging.getLogger(__name__)

PX_PER_MM = 96 / 25.4
# the survey URL should fit a QR code of 37 modules at error correction M
QRCODE_MAX_VERSION = 5


def format_short_code(code):
    "Return the short code in groups of 4 characters: KM3P 9XTA"
    code = code or ''
    return ' '.join(code[i:i + 4] for i in range(0, len(code), 4))


class _MemoTranslateFactory(TranslateFactory):
    "Each text translated once per document (the labels repeat)"

    def __init__(self, report_name, translation):
        super().__init__(report_name, translation)
        self._texts = {}

    def gettext(self, text):
        try:
            return self._texts[text]
        except KeyError:
            result = self._texts[text] = super().gettext(text)
            return result


class PreparedTemplateMixin:
    """Report.render with the template parsed and prepared once per process

    The cache of ir.action.report keeps the template and hands out shallow
    copies; Report.render prepares each copy (every expression compiled
    again for every document).  Here the template kept is prepared, with
    its i18n directives, and the copies share its prepared stream (Genshi's
    __setstate__ only resets the filters).  The cache is cleared when the
    action changes."""
    # the Genshi serializer, None: the template's (as Report.render)
    _serializer = None
    # None: as the action says (report.translatable)
    _translatable = None

    @classmethod
    def render(cls, report, report_context):
        template = report.get_template_cached()
        if template is None:
            template = cls._prepared_template(report)
            report.set_template_cached(template)
            template = report.get_template_cached() or template
        translatable = cls._translatable
        if translatable is None:
            translatable = report.translatable
        if translatable:
            # the filter of Report._callback_loader; the i18n directives,
            # attached when prepared, take their gettext from the context
            # that this filter fills
            pool = Pool()
            Translation = pool.get('ir.translation')
            translate = _MemoTranslateFactory(cls.__name__, Translation)
            template.filters.append(Translator(translate))
            report_context = report_context.copy()
            report_context['gettext'] = translate.gettext
            report_context['ngettext'] = translate.ngettext
        stream = template.generate(**report_context)
        if cls._serializer:
            return stream.render(cls._serializer, encoding=None)
        data = stream.render()
        if hasattr(data, 'getvalue'):
            data = data.getvalue()
        return data

    @classmethod
    def _prepared_template(cls, report):
        "Parse the template, attach its i18n directives and prepare it"
        import relatorio.reporting
        loader = relatorio.reporting.MIMETemplateLoader()
        klass = loader.factories[loader.get_type(
                MIMETYPES[report.template_extension])]
        template = klass(BytesIO(report.report_content))
        translatable = cls._translatable
        if translatable is None:
            translatable = report.translatable
        if translatable and hasattr(template, 'add_directives'):
            pool = Pool()
            Translation = pool.get('ir.translation')
            template.add_directives(Translator.NAMESPACE, Translator(
                    TranslateFactory(cls.__name__, Translation)))
        # reading the stream prepares the template: the copies handed out by
        # the cache share what is prepared
        template.stream  # noqa: B018
        return template


class _HTMLReport(PreparedTemplateMixin, SelfContainedHTMLReport):
    """With _page_width_mm, the page is as high as its content (a roll of a
    thermal printer): the HTML is laid out on a very high page, then again
    on a page cut below its last element, the anchor END_ANCHOR that the
    template ends with."""

    # page size given to WeasyPrint, None: the one of the template
    _page_width_mm = None
    _page_margin_mm = 3

    @classmethod
    def write_pdf(cls, weasyprint, html):
        if not cls._page_width_mm:
            return super().write_pdf(weasyprint, html)
        return cls._roll_pdf(weasyprint, html)

    @classmethod
    def _roll_pdf(cls, weasyprint, html):
        def page(height):
            return weasyprint.CSS(string=(
                    f'@page {{ size: {cls._page_width_mm}mm {height}mm; '
                    f'margin: {cls._page_margin_mm}mm }}'))

        document = html().render(stylesheets=[page(2000)])
        # the receipts are far from 2 m long: only one page is expected
        *_, bottom = document.pages[0].anchors[END_ANCHOR]  # x1, y1, x2, y2
        height = math.ceil(bottom / PX_PER_MM + cls._page_margin_mm) + 2
        return html().write_pdf(stylesheets=[page(height)])


END_ANCHOR = 'end-of-document'


class ResultReceipt(_HTMLReport):
    "Result receipt with the invitation to the satisfaction survey"
    __name__ = 'one_stop.dossier.result_receipt'

    # the width of the symbol printed, without its quiet zone
    _qrcode_mm = 30

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Printing stamps the invitation (printed_date) to flag answers sent
        # seconds later: execute needs a read-write transaction, as the
        # invoice report of account_invoice which stores its cache.
        cls.__rpc__['execute'] = RPC(readonly=False)

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        cls.check_returned(records)
        context = super().get_context(records, header, data)
        timezone = Dossier.timezone()
        context['receipt'] = lambda dossier: cls.receipt(dossier, timezone)
        return context

    @classmethod
    def check_returned(cls, dossiers):
        "The receipt of a result is printed once the result was returned"
        for dossier in dossiers:
            if dossier.state != 'returned':
                raise UserError(gettext(
                        'public_satisfaction.msg_result_receipt_not_returned',
                        dossier=dossier.rec_name,
                        state=dossier.state_string))

    @classmethod
    def receipt(cls, dossier, timezone):
        """Return the values of the receipt of dossier as plain text

        The template escapes them: never mark them as markup.
        The open invitation, if any, is stamped as printed."""
        agency = dossier.agency
        parent = agency.parent if agency else None
        applicant = dossier.applicant
        procedure = dossier.procedure
        counter = dossier.counter
        clerk = dossier.returned_by
        survey = None
        # clerks have no access to the invitations
        with without_check_access():
            invitation = dossier.open_invitation()
            if invitation:
                url = invitation.survey_url()
                image = qrcode_image(url, symbol_mm=cls._qrcode_mm)
                if image and image.version > QRCODE_MAX_VERSION:
                    logger.warning(
                        "survey URL of %d characters: QR code version %d, "
                        "shorten the survey base URL", len(url),
                        image.version)
                survey = SimpleNamespace(
                    url=url,
                    qrcode=image,
                    short_code=format_short_code(invitation.short_code),
                    expiry_day=format_dmy(
                        to_local(invitation.expiry, timezone)),
                    )
                cls.mark_printed(invitation)
        return SimpleNamespace(
            code=dossier.code or '',
            parent_agency=(parent.name or '').upper() if parent else '',
            agency=(agency.name or '').upper() if agency else '',
            applicant=(applicant.full_name or applicant.name or '')
            if applicant else '',
            procedure=procedure.name if procedure else '',
            counter=counter.name if counter else '',
            clerk=(clerk.name or '') if clerk else '',
            received_day=format_dmy(
                to_local(dossier.received_date, timezone)),
            appointment_day=format_dmy(dossier.appointment_date),
            returned_day=format_dmy(
                to_local(dossier.returned_date, timezone)),
            survey=survey,
            notes=cls.receipt_notes(dossier),
            )

    @classmethod
    def receipt_notes(cls, dossier):
        """The lines of plain text printed at the foot of the survey part
        of the receipt of dossier: none here, modules add theirs"""
        return []

    @classmethod
    def mark_printed(cls, invitation):
        if Transaction().readonly:
            # Not through RPC: e.g. a caller's read-only transaction
            logger.warning(
                "invitation %s printed in a read-only transaction: "
                "printed date not recorded", invitation.id)
            return
        invitation.__class__.mark_printed([invitation])


class ResultReceiptThermal(ResultReceipt):
    "Result receipt on the roll of an 80 mm thermal printer"
    __name__ = 'one_stop.dossier.result_receipt_thermal'

    _qrcode_mm = 36
    _page_width_mm = 80


class CounterSurveyPoster(_HTMLReport):
    "A4 poster of a counter: the QR code to type the codes of the receipt"
    __name__ = 'one_stop.counter.survey_poster'

    _qrcode_mm = 95

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['poster'] = cls.poster
        return context

    @classmethod
    def poster_url(cls, counter):
        pool = Pool()
        Configuration = pool.get('satisfaction.configuration')
        base = Configuration(1).get_survey_base_url()
        database = Transaction().database.name
        return f'{base}/{database}/p?c={int(counter.id)}'

    @classmethod
    def poster(cls, counter):
        agency = counter.agency
        parent = agency.parent if agency else None
        with without_check_access():
            url = cls.poster_url(counter)
        return SimpleNamespace(
            url=url,
            qrcode=qrcode_image(url, symbol_mm=cls._qrcode_mm),
            parent_agency=(parent.name or '').upper() if parent else '',
            agency=(agency.name or '').upper() if agency else '',
            counter=counter.name or '',
            notes=cls.poster_notes(counter),
            )

    @classmethod
    def poster_notes(cls, counter):
        """The lines of plain text printed at the foot of the poster of
        counter: none here, modules add theirs"""
        return []
