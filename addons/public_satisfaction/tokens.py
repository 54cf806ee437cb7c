# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Survey tokens and short codes, free of any database access.

A token is derived from a random nonce (128 bits from ``secrets``) and a
secret key that lives outside the database (the trytond configuration):
``token = base64url(HMAC-SHA256(key, nonce))[:22]`` (132 bits).  The
database stores the nonce and ``SHA-256(token)``; it never stores the token.
The nonce lets the counter reprint the same QR code while the invitation is
open; without the key, a copy of the database yields no valid token.

The short code is typed by the citizen at a counter poster together with the
dossier code: 8 characters from an alphabet without look-alikes (no 0/O,
1/I/L, 5/S, 2/Z, 8/B, U/V).
"""
import base64
import hashlib
import hmac
import re
import secrets

TOKEN_LENGTH = 22
NONCE_BYTES = 16
SHORT_CODE_ALPHABET = '3469ACDEFGHJKMNPQRTWXY'
SHORT_CODE_LENGTH = 8
_TOKEN = re.compile(r'[A-Za-z0-9_-]{%d}' % TOKEN_LENGTH)


def new_nonce():
    return secrets.token_bytes(NONCE_BYTES)


def derive_token(key, nonce):
    "Return the URL-safe token of nonce under key"
    if not key:
        raise ValueError("a secret key is required")
    if isinstance(key, str):
        key = key.encode('utf-8')
    digest = hmac.new(key, b'survey-token:' + nonce, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode('ascii')[:TOKEN_LENGTH]


def hash_token(token):
    "Return the hex SHA-256 of token, as stored in the database"
    return hashlib.sha256(token.encode('ascii')).hexdigest()


def is_well_formed_token(token):
    return isinstance(token, str) and bool(_TOKEN.fullmatch(token))


def new_short_code():
    return ''.join(
        secrets.choice(SHORT_CODE_ALPHABET)
        for _ in range(SHORT_CODE_LENGTH))


def normalize_short_code(text):
    """Return the short code typed by a citizen in canonical form, or None.

    Spaces and dashes are ignored, case is folded and the usual look-alikes
    are mapped to the alphabet (O→0 is not in it, so O is refused)."""
    if not isinstance(text, str):
        return None
    code = re.sub(r'[\s-]', '', text).upper()
    if (len(code) != SHORT_CODE_LENGTH
            or any(c not in SHORT_CODE_ALPHABET for c in code)):
        return None
    return code


_SEPARATORS = re.compile(r'[\s.\-_/]+')


def compact_code(text):
    """Return a dossier code as typed by a citizen without its separators
    (spaces, dots, dashes, underscores, slashes), in upper case:
    "h15.01-260910-0001", "H15 01 260910 0001" and "H1501-260910-0001"
    give the same text as the code H15.01-260910-0001"""
    if not isinstance(text, str):
        return ''
    return _SEPARATORS.sub('', text).upper()


def short_code_equal(a, b):
    "Compare two short codes in constant time"
    return hmac.compare_digest(a.encode('ascii'), b.encode('ascii'))
