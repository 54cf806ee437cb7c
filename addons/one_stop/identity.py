# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Identity numbers and phone numbers of applicants, free of any database
access.

- CCCD (căn cước công dân, now căn cước): the 12-digit personal
  identification number;
- Vietnamese passport (hộ chiếu): one or two capital letters then 7 digits,
  e.g. C1234567.

Clerks type them with spaces or dots; they are stored compact.
"""
import re

CCCD_DIGITS = 12
_PASSPORT = re.compile(r'[A-Z]{1,2}[0-9]{7}')
_SEPARATORS = re.compile(r'[\s.\-]+')
_PHONE_SEPARATORS = re.compile(r'[\s.\-()]+')


def compact(code):
    "code without spaces, dots and dashes, in capitals"
    return _SEPARATORS.sub('', code or '').upper()


def is_valid_cccd(code):
    code = compact(code)
    return len(code) == CCCD_DIGITS and code.isascii() and code.isdigit()


def is_valid_passport(code):
    return bool(_PASSPORT.fullmatch(compact(code)))


def compact_phone(phone):
    "phone as it is stored and searched: without spaces, dots, dashes"
    return _PHONE_SEPARATORS.sub('', phone or '')
