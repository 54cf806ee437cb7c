# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Satisfaction figures and points, free of any database access.

The figures are computed from counts that the database aggregates
(GROUP BY); nothing here loads answers.  ``None`` means "no data" and is
never confused with zero.
"""
import math
from bisect import bisect_right
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LEVELS = (1, 2, 3, 4, 5)
SATISFIED = (4, 5)
# a rating at or below it is unhappy: it may be followed up, and it makes
# its dossier unsatisfied for Decision 766
UNHAPPY_MAX = 2


def ratio(part, whole):
    "part ÷ whole, or None when whole is 0"
    if not whole:
        return None
    return part / whole


def satisfaction_rate(counts):
    """Share of satisfied answers (4 or 5) among valid answers.

    counts maps a rating 1..5 to its number of answers; "not applicable"
    answers are not in it, so they are excluded by construction.
    """
    valid = sum(counts.get(r, 0) for r in range(1, 6))
    return ratio(sum(counts.get(r, 0) for r in SATISFIED), valid)


def mean_score(counts):
    valid = sum(counts.get(r, 0) for r in range(1, 6))
    return ratio(sum(r * counts.get(r, 0) for r in range(1, 6)), valid)


def sipas_index(element_rates):
    """SIPAS-style index: the mean of the element satisfaction rates that
    have data (None when none has)."""
    rates = [r for r in element_rates if r is not None]
    if not rates:
        return None
    return sum(rates) / len(rates)


def ratio_766(dossiers, bad_dossiers):
    """Decision 766 dossier satisfaction ratio.

    (dossiers − dossiers rated unsatisfied or complained about) ÷ dossiers,
    where bad_dossiers counts each dossier once even when it is both.
    """
    if bad_dossiers > dossiers:
        raise ValueError("more bad dossiers than dossiers")
    return ratio(dossiers - bad_dossiers, dossiers)


def wilson_interval(successes, n, z=1.959964):
    "The 95 % Wilson score interval of a proportion, or None when n is 0"
    if not n:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be within 0..n")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = (z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        / denominator)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class SampleRule:
    minimum: int = 30
    max_width: float | None = None  # of the Wilson interval, e.g. 0.2


def sufficient_sample(successes, n, rule=SampleRule()):
    """Return (sufficient, reason): reason is None, 'too_few' or
    'too_wide'."""
    if n < rule.minimum:
        return False, 'too_few'
    if rule.max_width is not None:
        low, high = wilson_interval(successes, n)
        if high - low > rule.max_width:
            return False, 'too_wide'
    return True, None


def piecewise_linear(value, points):
    """Interpolate value on [(x, y), ...] sorted by x; flat outside."""
    if value is None:
        return None
    if not points:
        raise ValueError("a piecewise-linear rule needs points")
    xs = [x for x, _ in points]
    if value <= xs[0]:
        return points[0][1]
    if value >= xs[-1]:
        return points[-1][1]
    i = bisect_right(xs, value)
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    return y0 + (y1 - y0) * (value - x0) / (x1 - x0)


def step_table(value, steps):
    """Points of the highest threshold ≤ value in [(threshold, points)];
    0 below the first threshold."""
    if value is None:
        return None
    result = 0
    for threshold, points in sorted(steps):
        if value >= threshold:
            result = points
    return result


def points_766(rate, maximum, full_at=0.9):
    """The provincial preset of Decision 766: full points from 90 %,
    rate × maximum ÷ 90 % below."""
    if rate is None:
        return None
    if rate >= full_at:
        return maximum
    return rate * maximum / full_at


def round_points(value, digits=2):
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
