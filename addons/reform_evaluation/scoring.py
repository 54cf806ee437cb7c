# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Classification, ranking and the canonical form of published results.

Plain functions without database access: the models gather the records,
call them and store or show the result.
"""
import datetime as dt
import hashlib
import json
from decimal import Decimal


def classify(total, thresholds):
    """Return the label of the highest threshold whose minimum is at most
    total, or None when total is None or below every threshold.

    thresholds is an iterable of (min_points, label) pairs in any order.
    """
    if total is None:
        return None
    best = None
    for min_points, label in thresholds:
        if min_points is None or min_points > total:
            continue
        if best is None or min_points > best[0]:
            best = (min_points, label)
    return best[1] if best else None


def rank(items, key=None, rankable=None):
    """Return the competition ranks (1, 2, 2, 4) of items, in their order.

    The highest key ranks first.  key defaults to the item itself;
    rankable(item) (default: its key is not None) tells which items are
    ranked: the others get None and take no rank.
    """
    items = list(items)
    if key is None:
        def key(item):
            return item
    if rankable is None:
        def rankable(item):
            return key(item) is not None
    ranked = sorted(
        (key(item), index) for index, item in enumerate(items)
        if rankable(item))
    ranked.reverse()
    ranks = [None] * len(items)
    previous, previous_rank = object(), None
    for position, (value, index) in enumerate(ranked, start=1):
        if value != previous:
            previous, previous_rank = value, position
        ranks[index] = previous_rank
    return ranks


def canonical_decimal(value):
    "Decimal as a string without exponent nor trailing zeros: 10.50 → 10.5"
    value = Decimal(value)
    if value == 0:
        return '0'
    return format(value.normalize(), 'f')


def _canonical(obj):
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, (Decimal, float)):
        # Numbers are strings so that no float rounding and no backend
        # (SQLite or PostgreSQL scale) can change the text
        return canonical_decimal(Decimal(str(obj)))
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, dict):
        result = {}
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(f"Keys must be strings, not {key!r}")
            result[key] = _canonical(value)
        return result
    if isinstance(obj, (list, tuple)):
        return [_canonical(value) for value in obj]
    raise TypeError(f"{type(obj).__name__} has no canonical JSON form")


def canonical_json(obj):
    """Return the canonical JSON text of obj: keys sorted, no spaces, UTF-8
    characters as they are, numbers (Decimal, float) as normalised strings,
    dates in ISO 8601 and tuples as lists.  The same content always gives
    the same text, so its SHA-256 can be published and checked."""
    return json.dumps(
        _canonical(obj), sort_keys=True, separators=(',', ':'),
        ensure_ascii=False, allow_nan=False)


def content_hash(content):
    "Return the SHA-256 (hex) of the UTF-8 canonical JSON text of content"
    return hashlib.sha256(
        canonical_json(content).encode('utf-8')).hexdigest()
