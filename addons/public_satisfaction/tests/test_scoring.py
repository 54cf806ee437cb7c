# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
import math
from decimal import Decimal

import pytest

from trytond.modules.public_satisfaction import scoring


def test_satisfaction_rate_excludes_not_applicable():
    # 3 × 5, 2 × 4, 1 × 3, 1 × 1 → 5 satisfied of 7 valid
    counts = {5: 3, 4: 2, 3: 1, 1: 1}
    assert scoring.satisfaction_rate(counts) == pytest.approx(5 / 7)
    assert scoring.mean_score(counts) == pytest.approx(
        (15 + 8 + 3 + 1) / 7)


def test_no_data_is_not_zero():
    assert scoring.satisfaction_rate({}) is None
    assert scoring.mean_score({}) is None
    assert scoring.satisfaction_rate({1: 2, 2: 1}) == 0
    assert scoring.sipas_index([None, None]) is None
    assert scoring.ratio_766(0, 0) is None


def test_sipas_index_is_mean_of_available_elements():
    assert scoring.sipas_index([0.8, 0.9, None, 0.7, 1.0]) == pytest.approx(
        (0.8 + 0.9 + 0.7 + 1.0) / 4)


def test_ratio_766():
    # 200 dossiers; 12 unsatisfied or late (counted once)
    assert scoring.ratio_766(200, 12) == pytest.approx(0.94)
    with pytest.raises(ValueError):
        scoring.ratio_766(10, 11)


@pytest.mark.parametrize('successes, n, low, high', [
        # Reference values of the 95 % Wilson interval
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (81, 263, 0.2553, 0.3662),
        (30, 30, 0.8865, 1.0),
        ])
def test_wilson_interval(successes, n, low, high):
    result = scoring.wilson_interval(successes, n)
    assert result[0] == pytest.approx(low, abs=5e-4)
    assert result[1] == pytest.approx(high, abs=5e-4)


def test_wilson_interval_formula():
    # Independent formula: (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
    z, s, n = 1.959964, 17, 40
    p = s / n
    c = (p + z ** 2 / (2 * n)) / (1 + z ** 2 / n)
    h = z * math.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / (
        1 + z ** 2 / n)
    assert scoring.wilson_interval(s, n) == pytest.approx((c - h, c + h))
    assert scoring.wilson_interval(0, 0) is None


def test_sample_rule():
    rule = scoring.SampleRule(minimum=30)
    assert scoring.sufficient_sample(20, 29, rule) == (False, 'too_few')
    assert scoring.sufficient_sample(20, 30, rule) == (True, None)
    narrow = scoring.SampleRule(minimum=30, max_width=0.2)
    # n = 30, p = 0.5: the interval is about 0.34 wide
    assert scoring.sufficient_sample(15, 30, narrow) == (False, 'too_wide')
    # n = 400, p = 0.5: about 0.098 wide
    assert scoring.sufficient_sample(200, 400, narrow) == (True, None)


def test_points_rules():
    rule = [(0.5, 0), (0.8, 6), (0.9, 10)]
    assert scoring.piecewise_linear(0.4, rule) == 0
    assert scoring.piecewise_linear(0.65, rule) == pytest.approx(3)
    assert scoring.piecewise_linear(0.85, rule) == pytest.approx(8)
    assert scoring.piecewise_linear(0.95, rule) == 10
    assert scoring.piecewise_linear(None, rule) is None
    steps = [(0.7, 2), (0.8, 4), (0.9, 6)]
    assert scoring.step_table(0.69, steps) == 0
    assert scoring.step_table(0.8, steps) == 4
    assert scoring.step_table(0.99, steps) == 6


def test_points_766():
    assert scoring.points_766(0.95, 6) == 6
    assert scoring.points_766(0.9, 6) == 6
    assert scoring.points_766(0.72, 6) == pytest.approx(0.72 * 6 / 0.9)
    assert scoring.points_766(None, 6) is None
    assert scoring.round_points(0.72 * 6 / 0.9) == Decimal('4.80')
