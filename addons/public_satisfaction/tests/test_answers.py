# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The validation of a submitted survey form, without database."""
import unicodedata

import pytest

from trytond.modules.public_satisfaction.answers import (
    NOT_APPLICABLE, QuestionSpec, clean_text, field_name, validate)

QUESTIONS = [
    QuestionSpec('access', 'rating'),
    QuestionSpec('feedback', 'rating', allow_not_applicable=True),
    QuestionSpec('overall', 'rating', required=True),
    QuestionSpec('come_back', 'choice', choices=('0', '1', '2+')),
    QuestionSpec('comment', 'text', max_length=1000),
    ]


def form(**values):
    "A multi-dict as the browser sends it: every value is a list"
    return {field_name(k): v if isinstance(v, list) else [v]
        for k, v in values.items()}


def answers_of(result):
    return {a.code: a for a in result.answers}


def test_field_name():
    assert field_name('overall') == 'q_overall'


def test_valid_form():
    result = validate(QUESTIONS, form(
            access='4', feedback=NOT_APPLICABLE, overall='5', come_back='2+',
            comment='  Nhanh  '))
    assert result.valid
    answers = answers_of(result)
    assert answers['access'].value == 4
    assert answers['feedback'].not_applicable
    assert answers['feedback'].value is None
    assert answers['overall'].value == 5
    assert answers['come_back'].choice == '2+'
    assert answers['comment'].text == 'Nhanh'


def test_optional_questions_may_be_skipped():
    result = validate(QUESTIONS, form(overall='3'))
    assert result.valid
    assert list(answers_of(result)) == ['overall']


@pytest.mark.parametrize('value', [None, '', '   '])
def test_required_missing(value):
    values = {'access': '4'}
    if value is not None:
        values['overall'] = value
    result = validate(QUESTIONS, form(**values))
    assert result.errors == {'overall': 'required'}
    assert not result.valid


def test_required_missing_keeps_other_answers_valid():
    result = validate(QUESTIONS, form(access='2', come_back='1'))
    assert result.errors == {'overall': 'required'}
    assert set(answers_of(result)) == {'access', 'come_back'}


def test_not_applicable_only_where_allowed():
    assert validate(QUESTIONS, form(overall=NOT_APPLICABLE)).errors == {
        'overall': 'invalid'}
    assert validate(QUESTIONS, form(
            overall='4', access=NOT_APPLICABLE)).errors == {
        'access': 'invalid'}
    assert validate(QUESTIONS, form(
            overall='4', feedback=NOT_APPLICABLE)).valid


@pytest.mark.parametrize('value', [
        '0', '6', '-1', '4.5', 'five', '٥', '5 OR 1=1', '+4'])
def test_bad_rating(value):
    result = validate(QUESTIONS, form(overall=value))
    assert result.errors == {'overall': 'invalid'}


def test_rating_spaces_are_trimmed():
    assert answers_of(validate(QUESTIONS, form(overall=' 4 ')))[
        'overall'].value == 4


@pytest.mark.parametrize('value', ['3', 'None', '2 +', '0 '])
def test_bad_choice(value):
    result = validate(QUESTIONS, form(overall='4', come_back=value))
    if value == '0 ':
        # the surrounding spaces are not part of the value
        assert result.valid
    else:
        assert result.errors == {'come_back': 'invalid'}


def test_duplicate_fields():
    result = validate(QUESTIONS, form(overall=['5', '1']))
    assert result.errors == {'overall': 'invalid'}
    result = validate(QUESTIONS, form(overall='5', comment=['a', 'b']))
    assert result.errors == {'comment': 'invalid'}


def test_unknown_fields_are_ignored():
    values = form(overall='5')
    values['q_other'] = ['1']
    values['action'] = ['answer']
    result = validate(QUESTIONS, values)
    assert result.valid
    assert list(answers_of(result)) == ['overall']


def test_a_string_value_is_accepted():
    assert validate(QUESTIONS, {'q_overall': '5'}).valid


def test_empty_form():
    questions = [q for q in QUESTIONS if not q.required]
    result = validate(questions, {})
    assert result.errors == {'_form': 'empty'}
    result = validate(questions, form(comment='   ', access=''))
    assert result.errors == {'_form': 'empty'}


def test_empty_form_with_required_question():
    assert validate(QUESTIONS, {}).errors == {'overall': 'required'}


def test_unknown_kind_is_invalid():
    result = validate([QuestionSpec('x', 'date')], form(x='1'))
    assert result.errors == {'x': 'invalid'}


def test_comment_length_limit():
    ok = validate(QUESTIONS, form(overall='5', comment='ệ' * 1000))
    assert ok.valid
    assert len(answers_of(ok)['comment'].text) == 1000
    too_long = validate(QUESTIONS, form(overall='5', comment='ệ' * 1001))
    assert too_long.errors == {'comment': 'too_long'}


def test_comment_length_counted_after_normalisation():
    # decomposed: e + combining dot below + combining circumflex
    decomposed = unicodedata.normalize('NFD', 'ệ')
    assert len(decomposed) == 3
    result = validate(QUESTIONS, form(overall='5', comment=decomposed * 1000))
    assert result.valid
    assert answers_of(result)['comment'].text == 'ệ' * 1000


def test_comment_stored_cleaned():
    result = validate(QUESTIONS, form(
            overall='5', comment='Cán\x00 bộ\u200b\r\nnhiệt tình\x1b[31m'))
    assert answers_of(result)['comment'].text == 'Cán bộ\nnhiệt tình[31m'


def test_clean_text_nfc():
    text = unicodedata.normalize('NFD', 'Thủ tục hành chính')
    assert clean_text(text, 100) == 'Thủ tục hành chính'
    assert unicodedata.is_normalized('NFC', clean_text(text, 100))


def test_clean_text_control_characters():
    assert clean_text('a\x00b\x07c\x7fd\u202ee', 100) == 'abcde'
    assert clean_text('a\tb', 100) == 'ab'
    # new lines are kept and normalised
    assert clean_text('one\r\ntwo\rthree\nfour', 100) == (
        'one\ntwo\nthree\nfour')


def test_clean_text_trims():
    assert clean_text('\n  xin chào \n\n', 100) == 'xin chào'
    assert clean_text('   ', 100) == ''


def test_clean_text_length():
    assert clean_text('x' * 1000, 1000) == 'x' * 1000
    with pytest.raises(ValueError, match='too_long'):
        clean_text('x' * 1001, 1000)
    # the surrounding spaces do not count
    assert clean_text(' ' + 'x' * 1000 + ' ', 1000) == 'x' * 1000
