# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
import string

import pytest

from trytond.modules.public_satisfaction import tokens

URL_SAFE_BASE64 = string.ascii_letters + string.digits + '-_'


def test_token_is_hmac_of_nonce():
    # Known vectors, worked out once with the standard library alone:
    # base64.urlsafe_b64encode(hmac.new(key, b'survey-token:' + nonce,
    # hashlib.sha256).digest())[:22]
    # key b'k' * 32, nonce bytes 0..15: HMAC 28f24120…ad857023
    assert tokens.derive_token('k' * 32, bytes(range(16))) == (
        'KPJBIIEWtfi0u1jAiDTQJT')
    # a key given as text is encoded in UTF-8 ('khóa' is 5 bytes): HMAC
    # eb45e7c5…6c0aed6e; its 14th character is the URL-safe '_' (not '/')
    assert tokens.derive_token('khóa', bytes(range(16))) == (
        '60XnxRPErI5Gk_1dDCPbjG')


def test_token_strength_and_alphabet():
    # 16 random bytes are 128 bits; 22 base64 characters carry 22 × 6 = 132
    assert len(tokens.new_nonce()) == 16
    token = tokens.derive_token('key', tokens.new_nonce())
    assert len(token) == 22
    assert tokens.is_well_formed_token(token)
    assert set(token) <= set(URL_SAFE_BASE64)


def test_token_depends_on_key_and_nonce():
    nonce = tokens.new_nonce()
    assert tokens.derive_token('a', nonce) != tokens.derive_token('b', nonce)
    assert (tokens.derive_token('a', nonce)
        != tokens.derive_token('a', tokens.new_nonce()))
    with pytest.raises(ValueError):
        tokens.derive_token('', nonce)


def test_hash_is_sha256_hex():
    # the SHA-256 test vector of FIPS 180-2 for "abc"
    assert tokens.hash_token('abc') == (
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')


@pytest.mark.parametrize('token', [
        '', 'a' * 21, 'a' * 23, 'a' * 21 + '/', 'a' * 21 + '=', None, 42,
        'á' * 22, 'a' * 21 + '\n'])
def test_malformed_tokens(token):
    assert not tokens.is_well_formed_token(token)


def test_short_code_alphabet_has_no_look_alikes():
    alphabet = tokens.SHORT_CODE_ALPHABET
    for confusing in '0O1IL5S2Z8BUV':
        assert confusing not in alphabet
    # what the citizen types is upper-cased: the alphabet must be upper case
    assert set(alphabet) <= set(string.ascii_uppercase + string.digits)
    assert len(set(alphabet)) == len(alphabet)
    # 8 characters carry at least 35 bits (with the dossier code and a rate
    # limit, not guessable): 21⁸ = 37 822 859 361 > 2³⁵ = 34 359 738 368,
    # while 20⁸ = 25 600 000 000 is not enough
    assert len(alphabet) >= 21
    codes = {tokens.new_short_code() for _ in range(200)}
    assert all(len(c) == 8 and set(c) <= set(alphabet) for c in codes)
    assert len(codes) > 195  # random, not constant


@pytest.mark.parametrize('typed, expected', [
        ('km3p9xta', 'KM3P9XTA'),
        ('KM3P 9XTA', 'KM3P9XTA'),
        (' km3p-9xta ', 'KM3P9XTA'),
        ('KM3P9XT', None),
        ('KM3P9XTAA', None),
        ('KM3P9XT0', None),
        ('', None),
        (None, None),
        ])
def test_normalize_short_code(typed, expected):
    assert tokens.normalize_short_code(typed) == expected


def test_short_codes_compare_exactly():
    assert tokens.short_code_equal('KM3P9XTA', 'KM3P9XTA')
    assert not tokens.short_code_equal('KM3P9XTA', 'KM3P9XTC')
    assert not tokens.short_code_equal('KM3P9XTA', 'KM3P9XT')
