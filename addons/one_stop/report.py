# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from types import SimpleNamespace

from trytond.pool import Pool
from trytond.report import Report

from .localtime import format_dmy, to_local
from .qrcodes import qrcode_image

# the printed size of a module of the dossier code: 21 mm at least
QRCODE_MODULE_MM = 1


def _single_line(text):
    "Join the non-empty lines of text with commas"
    if not text:
        return ''
    return ', '.join(
        line.strip(' ,') for line in text.splitlines() if line.strip(' ,'))


def applicant_address(party):
    "Return the address of party on one line or '' (fail-safe)"
    address_get = getattr(party, 'address_get', None)
    if not address_get:
        return ''
    address = address_get()
    if not address:
        return ''
    return _single_line(getattr(address, 'full_address', None) or '')


def applicant_contact(party, name):
    "Return the contact mechanism name (phone, mobile, email) or ''"
    return (getattr(party, name, None) or '').strip()


class SelfContainedHTMLReport(Report):
    """An HTML report converted to PDF by WeasyPrint with only data: URIs

    Its images (QR codes) are embedded as data: URIs and nothing else is
    needed, so nothing is fetched from the network or the disk (trytond
    lets WeasyPrint fetch http and https only, which refuses data:)."""

    @classmethod
    def convert(cls, report, data, timeout=5 * 60, retry=5):
        input_format = report.template_extension
        output_format = report.extension or report.template_extension
        if input_format in {'html', 'xhtml'} and output_format == 'pdf':
            try:
                import weasyprint
            except ImportError:
                weasyprint = None
            if weasyprint:
                def html():
                    return weasyprint.HTML(
                        string=data,
                        url_fetcher=weasyprint.URLFetcher(
                            allowed_protocols={'data'}))
                return output_format, cls.write_pdf(weasyprint, html)
        return super().convert(report, data, timeout=timeout, retry=retry)

    @classmethod
    def write_pdf(cls, weasyprint, html):
        "Return the PDF of the document that html() makes"
        return html().write_pdf()


class IntakeReceipt(SelfContainedHTMLReport):
    "Intake Receipt (Form 01)"
    __name__ = 'one_stop.dossier.intake_receipt'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        context = super().get_context(records, header, data)
        timezone = Dossier.timezone()
        context['timezone'] = timezone
        context['local_datetime'] = lambda value: to_local(value, timezone)
        context['format_dmy'] = format_dmy
        context['receipt'] = lambda dossier: cls.receipt(dossier, timezone)
        return context

    @classmethod
    def receipt(cls, dossier, timezone):
        """Return the values of the receipt of dossier as plain text

        The template escapes them: never mark them as markup."""
        agency = dossier.agency
        parent = agency.parent if agency else None
        applicant = dossier.applicant
        procedure = dossier.procedure
        counter = dossier.counter
        clerk = dossier.received_by
        received = to_local(dossier.received_date, timezone)

        if procedure and procedure.immediate_result:
            processing_days = 0
        elif procedure:
            processing_days = procedure.processing_days or 0
        else:
            processing_days = None

        place = []
        if counter:
            place.append(counter.name)
        if agency:
            place.append(agency.name)
            if agency.address:
                place.append(agency.address)

        phones = [applicant_contact(applicant, n) for n in ['phone', 'mobile']]
        qrcode = qrcode_image(dossier.code, module_mm=QRCODE_MODULE_MM)
        return SimpleNamespace(
            code=dossier.code or '',
            qrcode=qrcode.data_uri if qrcode else None,
            qrcode_mm=qrcode.width_mm if qrcode else 0,
            parent_agency=(parent.name or '').upper() if parent else '',
            agency=(agency.name or '').upper() if agency else '',
            applicant=(applicant.full_name or applicant.name or '')
            if applicant else '',
            address=applicant_address(applicant) if applicant else '',
            phone=', '.join(p for p in phones if p) if applicant else '',
            email=applicant_contact(applicant, 'email') if applicant else '',
            procedure=procedure.name if procedure else '',
            immediate_result=bool(procedure and procedure.immediate_result),
            processing_days=processing_days,
            received=received,
            received_hour=f'{received.hour:02d}' if received else '',
            received_minute=f'{received.minute:02d}' if received else '',
            received_day=format_dmy(received),
            appointment_day=format_dmy(dossier.appointment_date),
            postal=dossier.return_method == 'postal',
            return_place=', '.join(p for p in place if p),
            clerk=(clerk.name or '') if clerk else '',
            )
