# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Agency and dossier codes, free of any database access.

Agency codes follow QCVN 102:2016/BTTTT: two to four dot-separated groups
of two or three upper-case letters or digits (e.g. ``H15.50.05.13`` or
``000.00.21.H15``).  Dossier codes follow the one-stop rules:
``<agency code>-YYMMDD-NNNN`` where NNNN is the daily sequence of the
agency, zero-padded to at least four digits.
"""
import re

AGENCY_CODE = re.compile(r'[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){1,3}')
DOSSIER_CODE = re.compile(
    r'(?P<agency>[0-9A-Z]{2,3}(?:\.[0-9A-Z]{2,3}){1,3})'
    r'-(?P<date>\d{6})-(?P<number>\d{4,})')


def is_valid_agency_code(code):
    return bool(code and AGENCY_CODE.fullmatch(code))


def format_dossier_code(agency_code, day, number):
    "Return the legal dossier code of the number-th dossier of day"
    if not is_valid_agency_code(agency_code):
        raise ValueError(f"invalid agency code: {agency_code!r}")
    if number < 1:
        raise ValueError("the daily number starts at 1")
    return f'{agency_code}-{day:%y%m%d}-{number:04d}'


def parse_dossier_code(code):
    "Return (agency code, YYMMDD, number) or None when code is malformed"
    match = DOSSIER_CODE.fullmatch((code or '').strip().upper())
    if not match:
        return None
    return match['agency'], match['date'], int(match['number'])
