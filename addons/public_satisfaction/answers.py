# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Validation of a submitted survey form, free of any database access.

``questions`` is a list of ``QuestionSpec``; ``form`` maps field names to
the list of strings the browser sent (a multi-dict).  The result is the
clean answers and, per question code, the error codes to show next to it.
"""
import unicodedata
from dataclasses import dataclass, field

NOT_APPLICABLE = 'na'
# "Skip / no answer" of an optional rating or choice: the question is left
# unanswered, as if nothing had been chosen
SKIP = 'skip'
RATINGS = ('1', '2', '3', '4', '5')


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    kind: str  # rating, choice, text
    required: bool = False
    allow_not_applicable: bool = False
    choices: tuple = ()
    max_length: int = 1000


@dataclass
class Answer:
    code: str
    value: int | None = None  # rating 1..5
    not_applicable: bool = False
    choice: str | None = None
    text: str | None = None


@dataclass
class Result:
    answers: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)

    @property
    def valid(self):
        return not self.errors


def clean_text(text, max_length):
    """Return text normalised (NFC, no control characters but new lines,
    trimmed) or raise ValueError('too_long')."""
    text = unicodedata.normalize('NFC', text)
    text = text.replace('\r\n', '\n').replace('\r', '\n')
    text = ''.join(
        c for c in text
        if c == '\n' or unicodedata.category(c)[0] != 'C')
    text = text.strip()
    if len(text) > max_length:
        raise ValueError('too_long')
    return text


def field_name(code):
    return f'q_{code}'


def validate(questions, form):
    result = Result()
    for question in questions:
        values = form.get(field_name(question.code)) or []
        if isinstance(values, str):
            values = [values]
        if len(values) > 1:
            result.errors[question.code] = 'invalid'
            continue
        raw = values[0].strip() if values else ''
        if raw == SKIP and question.kind in {'rating', 'choice'}:
            raw = ''
        answer = Answer(question.code)
        if question.kind == 'rating':
            if raw in RATINGS:
                answer.value = int(raw)
            elif raw == NOT_APPLICABLE and question.allow_not_applicable:
                answer.not_applicable = True
            elif raw:
                result.errors[question.code] = 'invalid'
                continue
        elif question.kind == 'choice':
            if raw in question.choices:
                answer.choice = raw
            elif raw:
                result.errors[question.code] = 'invalid'
                continue
        elif question.kind == 'text':
            try:
                answer.text = clean_text(
                    values[0] if values else '', question.max_length) or None
            except ValueError:
                result.errors[question.code] = 'too_long'
                continue
        else:
            result.errors[question.code] = 'invalid'
            continue
        empty = (answer.value is None and not answer.not_applicable
            and answer.choice is None and answer.text is None)
        if empty:
            if question.required:
                result.errors[question.code] = 'required'
            continue
        result.answers.append(answer)
    if not result.errors and not result.answers:
        result.errors['_form'] = 'empty'
    return result
