# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
import datetime as dt
import unittest
from decimal import Decimal

from trytond.modules.reform_evaluation.scoring import (
    canonical_json,
    classify,
    content_hash,
    rank,
)

THRESHOLDS = [
    (Decimal(65), "Khá"),
    (Decimal(90), "Xuất sắc"),
    (Decimal(0), "Yếu"),
    (Decimal(80), "Tốt"),
    (Decimal(50), "Trung bình"),
    ]


class ClassifyTestCase(unittest.TestCase):

    def test_boundaries(self):
        "A total at a threshold gets its label, just below the one under"
        for total, label in [
                ('100', "Xuất sắc"), ('90', "Xuất sắc"),
                ('89.99', "Tốt"), ('80', "Tốt"), ('79.99', "Khá"),
                ('65', "Khá"), ('64.99', "Trung bình"), ('50', "Trung bình"),
                ('49.99', "Yếu"), ('0', "Yếu")]:
            with self.subTest(total=total):
                self.assertEqual(classify(Decimal(total), THRESHOLDS), label)

    def test_below_every_threshold(self):
        self.assertIsNone(classify(Decimal(10), [(Decimal(50), "Đạt")]))

    def test_no_total_or_threshold(self):
        self.assertIsNone(classify(None, THRESHOLDS))
        self.assertIsNone(classify(Decimal(90), []))


class RankTestCase(unittest.TestCase):

    def test_competition_ranking(self):
        "Ties share the rank and the next rank skips: 1, 2, 2, 4"
        self.assertEqual(
            rank([Decimal(80), Decimal(95), Decimal(80), Decimal(70)]),
            [2, 1, 2, 4])

    def test_all_tied(self):
        self.assertEqual(rank([5, 5, 5]), [1, 1, 1])

    def test_not_rankable(self):
        "Items not rankable get None and take no rank"
        items = [('a', 90, True), ('b', 99, False), ('c', 80, True),
            ('d', 80, True), ('e', 10, True), ('f', None, True)]
        self.assertEqual(
            rank(items, key=lambda i: i[1],
                rankable=lambda i: i[2] and i[1] is not None),
            [1, None, 2, 2, 4, None])

    def test_default_rankable_key_none(self):
        self.assertEqual(rank([None, 3, 7]), [None, 2, 1])

    def test_empty(self):
        self.assertEqual(rank([]), [])


class CanonicalJSONTestCase(unittest.TestCase):

    def test_stable(self):
        "Key order, decimal scale and tuples do not change the text"
        first = {'b': [Decimal('10.50'), (1, 2)], 'a': "Xuất sắc",
            'c': {'z': None, 'y': True}, 'd': dt.date(2024, 12, 31)}
        second = {'d': dt.date(2024, 12, 31), 'c': {'y': True, 'z': None},
            'a': "Xuất sắc", 'b': [Decimal('10.5'), [1, 2]]}
        self.assertEqual(canonical_json(first), canonical_json(second))
        self.assertEqual(
            canonical_json(first),
            '{"a":"Xuất sắc","b":["10.5",[1,2]],"c":{"y":true,"z":null},'
            '"d":"2024-12-31"}')

    def test_decimals(self):
        for value, text in [
                (Decimal('100'), '"100"'), (Decimal('1E+2'), '"100"'),
                (Decimal('0.00'), '"0"'), (Decimal('-0'), '"0"'),
                (Decimal('12.340'), '"12.34"'), (0.5, '"0.5"')]:
            with self.subTest(value=value):
                self.assertEqual(canonical_json(value), text)

    def test_hash(self):
        "The SHA-256 of the UTF-8 bytes of the canonical text"
        content = {'min': Decimal('80.00'), 'label': "Tốt"}
        self.assertEqual(canonical_json(content), '{"label":"Tốt","min":"80"}')
        # printf '%s' '{"label":"Tốt","min":"80"}' | sha256sum
        self.assertEqual(content_hash(content),
            'e45360d7251947b88b41a7527f4ef99a9e76cd321e5ba3dd29cc8ab467df9292')

    def test_refuses_unknown_types(self):
        with self.assertRaises(TypeError):
            canonical_json({'a': {1, 2}})
        with self.assertRaises(TypeError):
            canonical_json({1: 'a'})
