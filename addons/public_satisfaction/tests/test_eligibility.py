# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
import pytest

from trytond.modules.public_satisfaction.eligibility import (
    ELIGIBLE, Rules, eligibility)


@pytest.mark.parametrize('channel, return_method, immediate, expected', [
        ('counter', 'counter', False, ELIGIBLE),
        ('counter', 'counter', True, 'immediate_result'),
        ('online', 'counter', False, 'online'),
        ('postal', 'counter', False, 'postal_submission'),
        ('counter', 'postal', False, 'postal_return'),
        ('online', 'postal', True, 'postal_return'),
        ('online', 'counter', True, 'immediate_result'),
        ])
def test_pilot_rules(channel, return_method, immediate, expected):
    assert eligibility(channel, return_method, immediate) == expected


def test_rules_can_be_relaxed():
    rules = Rules(exclude_online=False, exclude_immediate_result=False)
    assert eligibility('online', 'counter', False, rules) == ELIGIBLE
    assert eligibility('counter', 'counter', True, rules) == ELIGIBLE
    assert eligibility('postal', 'counter', False, rules) == (
        'postal_submission')


def test_overrides():
    # the procedure wins over the agency, which wins over the rules
    assert eligibility(
        'online', 'counter', False, agency_override='always') == ELIGIBLE
    assert eligibility(
        'counter', 'counter', False,
        agency_override='never') == 'agency_excluded'
    assert eligibility(
        'counter', 'counter', False, agency_override='always',
        procedure_override='never') == 'procedure_excluded'
    assert eligibility(
        'counter', 'counter', True, agency_override='never',
        procedure_override='always') == ELIGIBLE
    # no receipt can be handed over when the result is posted
    assert eligibility(
        'counter', 'postal', False,
        procedure_override='always') == 'postal_return'
