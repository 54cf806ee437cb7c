# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
from decimal import Decimal

import pytest

from trytond.modules.public_satisfaction import scoring


def test_satisfaction_rate_excludes_not_applicable():
    # 3 × 5, 2 × 4, 1 × 3, 1 × 1: 7 valid answers, 3 + 2 = 5 satisfied
    counts = {5: 3, 4: 2, 3: 1, 1: 1}
    assert scoring.satisfaction_rate(counts) == pytest.approx(
        0.714286, abs=1e-6)  # 5 / 7
    # (3×5 + 2×4 + 1×3 + 1×1) / 7 = (15 + 8 + 3 + 1) / 7 = 27 / 7
    assert scoring.mean_score(counts) == pytest.approx(3.857143, abs=1e-6)


def test_no_data_is_not_zero():
    assert scoring.satisfaction_rate({}) is None
    assert scoring.mean_score({}) is None
    assert scoring.satisfaction_rate({1: 2, 2: 1}) == 0
    assert scoring.sipas_index([None, None]) is None
    assert scoring.ratio_766(0, 0) is None


def test_sipas_index_is_mean_of_available_elements():
    # (0.8 + 0.9 + 0.7 + 1.0) / 4 = 3.4 / 4: the missing element is not 0
    assert scoring.sipas_index([0.8, 0.9, None, 0.7, 1.0]) == pytest.approx(
        0.85)


def test_ratio_766():
    # 200 dossiers; 12 unsatisfied or late (counted once): 188 / 200
    assert scoring.ratio_766(200, 12) == pytest.approx(0.94)
    with pytest.raises(ValueError):
        scoring.ratio_766(10, 11)


# The 95 % Wilson interval, z = 1.959964 (z² = 3.841459), worked out by hand
# from (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), to 4 decimals:
# - 0/10: p = 0, 1 + z²/n = 1.384146; centre = 0.192073 / 1.384146 =
#   0.138766 and half = 1.959964 × √0.009604 / 1.384146 = 0.138766:
#   [0, 0.2775]
# - 5/10: centre 0.5 (p = ½ is symmetric); half = 1.959964 ×
#   √(0.025 + 0.009604) / 1.384146 = 0.364594 / 1.384146 = 0.263407:
#   [0.2366, 0.7634]
# - 81/263: p = 0.307985, 1 + z²/n = 1.014606; centre = (0.307985 +
#   0.007303) / 1.014606 = 0.310749; half = 1.959964 × √(0.000810381 +
#   0.000013884) / 1.014606 = 0.056271 / 1.014606 = 0.055461:
#   [0.2553, 0.3662]
# - 30/30: p = 1, 1 + z²/n = 1.128049; centre = 1.064024 / 1.128049 =
#   0.943243; half = 1.959964 × √0.001067 / 1.128049 = 0.056757:
#   [0.8865, 1]
# - 17/40: p = 0.425, 1 + z²/n = 1.096036; centre = (0.425 + 0.048018) /
#   1.096036 = 0.431572; half = 1.959964 × √(0.006109375 + 0.000600228)
#   / 1.096036 = 0.160545 / 1.096036 = 0.146478:
#   [0.2851, 0.5780]
@pytest.mark.parametrize('successes, n, low, high', [
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (81, 263, 0.2553, 0.3662),
        (30, 30, 0.8865, 1.0),
        (17, 40, 0.2851, 0.5780),
        ])
def test_wilson_interval(successes, n, low, high):
    result = scoring.wilson_interval(successes, n)
    assert result[0] == pytest.approx(low, abs=5e-5)
    assert result[1] == pytest.approx(high, abs=5e-5)


def test_wilson_interval_without_data_or_out_of_range():
    assert scoring.wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        scoring.wilson_interval(11, 10)
    with pytest.raises(ValueError):
        scoring.wilson_interval(-1, 10)


def test_sample_rule():
    rule = scoring.SampleRule(minimum=30)
    assert scoring.sufficient_sample(20, 29, rule) == (False, 'too_few')
    assert scoring.sufficient_sample(20, 30, rule) == (True, None)
    narrow = scoring.SampleRule(minimum=30, max_width=0.2)
    # n = 30, p = ½: half = 1.959964 × √(0.008333 + 0.001067) / 1.128049
    # = 0.168459, so the interval is 0.3369 wide
    assert scoring.sufficient_sample(15, 30, narrow) == (False, 'too_wide')
    # n = 400, p = ½: half = 1.959964 × √(0.000625 + 0.000006) / 1.009604
    # = 0.048765, so 0.0975 wide
    assert scoring.sufficient_sample(200, 400, narrow) == (True, None)


def test_points_rules():
    rule = [(0.5, 0), (0.8, 6), (0.9, 10)]
    assert scoring.piecewise_linear(0.4, rule) == 0
    # 0 + (6 − 0) × (0.65 − 0.5) / (0.8 − 0.5) = 6 × 0.15 / 0.3
    assert scoring.piecewise_linear(0.65, rule) == pytest.approx(3)
    # 6 + (10 − 6) × (0.85 − 0.8) / (0.9 − 0.8) = 6 + 4 × 0.5
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
    # 0.72 × 6 / 0.9 = 4.32 / 0.9
    assert scoring.points_766(0.72, 6) == pytest.approx(4.8)
    assert scoring.points_766(None, 6) is None
    assert scoring.round_points(4.8) == Decimal('4.80')
    # half up on the decimal written, not on the binary float 2.34499…
    assert scoring.round_points(2.345) == Decimal('2.35')
    assert scoring.round_points(None) is None
