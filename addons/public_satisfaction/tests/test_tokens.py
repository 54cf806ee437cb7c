# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
import base64
import hashlib
import hmac
import math

import pytest

from trytond.modules.public_satisfaction import tokens


def test_token_is_hmac_of_nonce():
    key, nonce = 'k' * 32, bytes(range(16))
    expected = base64.urlsafe_b64encode(
        hmac.new(b'k' * 32, b'survey-token:' + nonce, hashlib.sha256)
        .digest()).decode()[:22]
    assert tokens.derive_token(key, nonce) == expected


def test_token_strength_and_alphabet():
    # 22 base64 characters carry 132 bits, above the 128 required
    assert tokens.TOKEN_LENGTH * 6 >= 128
    assert tokens.NONCE_BYTES * 8 >= 128
    token = tokens.derive_token('key', tokens.new_nonce())
    assert len(token) == 22
    assert tokens.is_well_formed_token(token)
    assert set(token) <= set(
        'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')


def test_token_depends_on_key_and_nonce():
    nonce = tokens.new_nonce()
    assert tokens.derive_token('a', nonce) != tokens.derive_token('b', nonce)
    assert (tokens.derive_token('a', nonce)
        != tokens.derive_token('a', tokens.new_nonce()))
    with pytest.raises(ValueError):
        tokens.derive_token('', nonce)


def test_hash_is_sha256_hex():
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
    assert len(set(alphabet)) == len(alphabet)
    codes = {tokens.new_short_code() for _ in range(200)}
    assert all(len(c) == 8 and set(c) <= set(alphabet) for c in codes)
    assert len(codes) > 195  # random, not constant
    # about 35 bits: with the dossier code and a rate limit, not guessable
    assert 8 * math.log2(len(alphabet)) > 35


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
