# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The access matrix: every group × model × operation, over JSON-RPC as real
users of a real trytond server (public_satisfaction, with one_stop and
reform_evaluation).

The expected outcome of each cell is written below, literally, in MATRIX (and
FIELD_MATRIX for fields): it is NOT read from ir.model.access.  Each cell
does the operation on a real record:

- read: ``read`` of a plain field of the record (READS; record rules
  included: all the users belong to the agency of the records);
- write: ``write`` of a harmless field (writes());
- create: ``create`` of complete, valid values (values_of()), so that a
  refusal can only come from the access rights;
- delete: ``delete`` of a throwaway record made for that very cell.

An allowed cell must succeed; a refused cell must fail with an access error.
Over JSON-RPC every trytond UserError (AccessError and ValidationError alike)
arrives as ``["UserError", [message, description, domain]]``: the access
errors are recognised by their message, which must be one of those that
trytond and the modules raise as AccessError (ACCESS_MESSAGES), never a
validation error.  Two kinds of models refuse otherwise, for everyone:
the daily numbers are not served over RPC at all (HTTP 403) and the figures
computed by the database cannot be written, created nor deleted
(NotImplementedError "On table_query", before any access check).

The server has a database of its own (not the shared one of the other test
modules): the cells create, change and delete records (responses among
them) that other modules count.
"""
import datetime as dt
import itertools
import re
import secrets
from decimal import Decimal
from types import SimpleNamespace

import pytest
from conftest import RPCError, RPCHTTPError, start_server, stop_server
from survey_world import Direct

MODULES = ('public_satisfaction',)

# key: the group of the user (None: no group); 'admin' is trytond's admin,
# who is in One-stop Administrator, Reform Evaluator and Satisfaction
# Administrator (and trytond's own Administration).  A group also has the
# accesses of its parent: Supervisor < Clerk, One-stop Administrator <
# Supervisor, Satisfaction Administrator < Satisfaction Evaluator.
USERS = {
    'nobody': None,
    'clerk': "One-stop Clerk",
    'supervisor': "One-stop Supervisor",
    'os_admin': "One-stop Administrator",
    'officer': "Reform Agency Officer",
    'reform_evaluator': "Reform Evaluator",
    'evaluator': "Satisfaction Evaluator",
    'sat_admin': "Satisfaction Administrator",
    'admin': None,
    }
OPERATIONS = {'r': 'read', 'w': 'write', 'c': 'create', 'd': 'delete'}

# What each user may do on each model: r(ead), w(rite), c(reate), d(elete);
# '-' nothing.  All users belong to the agency of the records.
MATRIX = {
    # --- one_stop -------------------------------------------------------
    'one_stop.agency': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'rwcd',
        'officer': 'r', 'reform_evaluator': 'r', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    'one_stop.counter': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'rwcd',
        'officer': 'r', 'reform_evaluator': 'r', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    'one_stop.procedure': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'rwcd',
        'officer': 'r', 'reform_evaluator': 'r', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    'one_stop.procedure.field': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'rwcd',
        'officer': 'r', 'reform_evaluator': 'r', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    'one_stop.holiday': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'rwcd',
        'officer': 'r', 'reform_evaluator': 'r', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    'one_stop.configuration': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'rwcd',
        'officer': 'r', 'reform_evaluator': 'r', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    # Never deleted, by anyone (refused by the module, admin included)
    'one_stop.dossier': {
        'nobody': '-', 'clerk': 'rwc', 'supervisor': 'rwc', 'os_admin': 'rwc',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': '-',
        'sat_admin': '-', 'admin': 'rwc'},
    # The history: read with the dossier, written by the system only (it
    # was readable by every user and could be created by counter staff:
    # closed in one_stop/dossier.xml)
    'one_stop.dossier.event': {
        'nobody': '-', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': '-',
        'sat_admin': '-', 'admin': 'r'},
    # The applicants: counter staff and party administrators only (the
    # party module opens them to every user: closed in one_stop/party.xml)
    'party.party': {
        'nobody': '-', 'clerk': 'rwc', 'supervisor': 'rwc', 'os_admin': 'rwc',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': '-',
        'sat_admin': '-', 'admin': 'rwcd'},
    'party.address': {
        'nobody': '-', 'clerk': 'rwc', 'supervisor': 'rwc', 'os_admin': 'rwc',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': '-',
        'sat_admin': '-', 'admin': 'rwcd'},
    'one_stop.dossier.daily_number': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': '-',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': '-',
        'sat_admin': '-', 'admin': '-'},
    # --- reform_evaluation ----------------------------------------------
    'reform.period': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r',
        'officer': 'r', 'reform_evaluator': 'rwcd', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    'reform.criterion': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r',
        'officer': 'r', 'reform_evaluator': 'rwcd', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    'reform.criterion.survey_point': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r',
        'officer': 'r', 'reform_evaluator': 'rwcd', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    'reform.classification': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r',
        'officer': 'r', 'reform_evaluator': 'rwcd', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    'reform.classification.default': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r',
        'officer': 'r', 'reform_evaluator': 'rwcd', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'rwcd'},
    # Officers: the scorecard of their agency, its lines' points
    'reform.scorecard': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': '-',
        'officer': 'rw', 'reform_evaluator': 'rwcd', 'evaluator': '-',
        'sat_admin': '-', 'admin': 'rwcd'},
    'reform.scorecard.line': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': '-',
        'officer': 'rw', 'reform_evaluator': 'rwcd', 'evaluator': '-',
        'sat_admin': '-', 'admin': 'rwcd'},
    # --- public_satisfaction --------------------------------------------
    'satisfaction.configuration': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r',
        'officer': 'r', 'reform_evaluator': 'r', 'evaluator': 'r',
        'sat_admin': 'rwc', 'admin': 'rwc'},
    'satisfaction.questionnaire': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r',
        'officer': 'r', 'reform_evaluator': 'r', 'evaluator': 'r',
        'sat_admin': 'rwcd', 'admin': 'rwcd'},
    'satisfaction.question': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r',
        'officer': 'r', 'reform_evaluator': 'r', 'evaluator': 'r',
        'sat_admin': 'rwcd', 'admin': 'rwcd'},
    'satisfaction.question.choice': {
        'nobody': 'r', 'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r',
        'officer': 'r', 'reform_evaluator': 'r', 'evaluator': 'r',
        'sat_admin': 'rwcd', 'admin': 'rwcd'},
    # Minted by the system when a result is returned; counter staff see
    # only the survey state of the dossier
    'satisfaction.invitation': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': '-',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'r'},
    # The citizens' answers: read by evaluators only, written by the survey
    # pages only, never changed (an exclusion goes through the audited
    # review) nor deleted
    'satisfaction.response': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': '-',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'r'},
    'satisfaction.response.answer': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': '-',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'r'},
    'satisfaction.response.flag': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': '-',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'r'},
    # The audit of the reviews
    'satisfaction.response.review': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': '-',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'r'},
    # The closed loop: the citizen's re-rating of a follow-up, read by
    # those who read the follow-up in the register (its handlers and
    # leaders, the one-stop administrators; admin is all of them); the
    # appeals of the agencies, read by the one-stop administrators too and
    # decided by the evaluators, never written otherwise
    'satisfaction.followup.rating': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': 'r',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': '-',
        'sat_admin': '-', 'admin': 'r'},
    'satisfaction.response.appeal': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': 'r',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'r'},
    'satisfaction.report.agency': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': '-',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'r'},
    'satisfaction.report.month': {
        'nobody': '-', 'clerk': '-', 'supervisor': '-', 'os_admin': '-',
        'officer': '-', 'reform_evaluator': '-', 'evaluator': 'r',
        'sat_admin': 'r', 'admin': 'r'},
    }

_EVALUATORS = {'evaluator': 'r', 'sat_admin': 'r', 'admin': 'r'}
_COUNTER = {'clerk': 'r', 'supervisor': 'r', 'os_admin': 'r', 'admin': 'r'}
# Fields (dotted: through the relation) each user may read (r) or write (w)
# on the records of the matrix; users not named may not.
FIELD_MATRIX = {
    # The answers and the comment, directly or from a related record
    ('satisfaction.response', 'comment'): _EVALUATORS,
    ('satisfaction.response', 'answers.value'): _EVALUATORS,
    ('satisfaction.response', 'answers.text'): _EVALUATORS,
    ('satisfaction.response', 'invitation.agency'): _EVALUATORS,
    ('satisfaction.response.answer', 'value'): _EVALUATORS,
    ('satisfaction.response.answer', 'text'): _EVALUATORS,
    ('satisfaction.response.answer', 'response.comment'): _EVALUATORS,
    ('satisfaction.response.flag', 'response.comment'): _EVALUATORS,
    ('satisfaction.response.review', 'response.comment'): _EVALUATORS,
    ('satisfaction.invitation', 'dossier'): _EVALUATORS,
    # the answer behind a re-rating: for the evaluators only (admin here)
    ('satisfaction.followup.rating', 'response.comment'): {'admin': 'r'},
    ('satisfaction.response.appeal', 'response'): _EVALUATORS,
    ('satisfaction.response.appeal', 'response.comment'): _EVALUATORS,
    # the follow-up an appeal comes from: for those who read the register
    ('satisfaction.response.appeal', 'feedback'): {
        'os_admin': 'r', 'admin': 'r'},
    # Counter staff see the state of the survey of their dossier, nothing
    # more (the dossier has no relation to its invitations)
    ('one_stop.dossier', 'satisfaction_state'): _COUNTER,
    ('one_stop.dossier', 'satisfaction_eligibility'): _COUNTER,
    # The secrets of the survey links: nobody, not even admin
    ('satisfaction.invitation', 'nonce'): {},
    ('satisfaction.invitation', 'short_code'): {},
    ('satisfaction.configuration', 'secret_key'): {},
    # Officers fill in the self-assessment, evaluators appraise
    ('reform.scorecard.line', 'self_points'): {
        'officer': 'rw', 'reform_evaluator': 'rw', 'admin': 'rw'},
    ('reform.scorecard.line', 'appraised_points'): {
        'officer': 'r', 'reform_evaluator': 'rw', 'admin': 'rw'},
    ('reform.scorecard', 'agency'): {
        'officer': 'r', 'reform_evaluator': 'rw', 'admin': 'rw'},
    ('reform.scorecard', 'state'): {
        'officer': 'r', 'reform_evaluator': 'rw', 'admin': 'rw'},
    }

# The messages of the refusals raised as AccessError: by trytond (model,
# field and record rule access) and by the modules (records never changed or
# deleted).  ValidationError messages are not here.
ACCESS_MESSAGES = [re.compile(p) for p in [
    r'^You are not allowed to access "[^"]+"\.$',
    r'^You are not allowed to access "[^"]+\.[^"]+"\.$',
    r'^You are not allowed to (read|write to|delete) records "[^"]*" of ',
    r'^You are not allowed to create records of "[^"]+" because ',
    # one_stop
    r'^Dossier "[^"]+" cannot be deleted: dossiers are kept in the '
    r'register',
    r'^The history of a dossier cannot be changed or deleted\.$',
    # public_satisfaction
    r'^A submitted response is never changed or deleted',
    r'^A review is never changed or deleted',
    r'^An appeal is changed only by the decision of a satisfaction '
    r'evaluator\.$',
    r'^Appeal "[^"]+" cannot be deleted',
    r'^A re-rating is given by the citizen at the survey link only\.$',
    ]]

SEQUENCE = itertools.count(1)
TODAY = dt.date.today()


def unique():
    return next(SEQUENCE)


def agency_code(n):
    "A QCVN 102 code: two groups of letters and digits"
    return f'AM.{n // 1000 % 1000:03d}.{n % 1000:03d}'


# --- the records --------------------------------------------------------

def values_of(w, model):
    "Return new valid values for a record of model (w: the world)"
    n = unique()
    now = dt.datetime.now().replace(microsecond=0)
    return {
        'one_stop.agency': lambda: {
            'name': f"Agency {n}", 'code': agency_code(n),
            'kind': 'department'},
        'one_stop.counter': lambda: {
            'agency': w.agency, 'code': f'Q{n}', 'name': f"Counter {n}",
            'kind': 'general'},
        'one_stop.procedure': lambda: {
            'code': f'AM.{n}', 'name': f"Procedure {n}", 'level': 'province',
            'processing_days': 2},
        'one_stop.procedure.field': lambda: {
            'name': f"Field {n}", 'code': f'F{n}'},
        'one_stop.holiday': lambda: {
            'date': dt.date(2090, 1, 1) + dt.timedelta(days=n),
            'name': f"Holiday {n}", 'kind': 'holiday'},
        'one_stop.configuration': lambda: {'timezone': 'Asia/Ho_Chi_Minh'},
        'one_stop.dossier': lambda: {
            'applicant': w.party, 'procedure': w.procedure,
            'agency': w.agency, 'counter': w.counter, 'channel': 'counter'},
        'one_stop.dossier.event': lambda: {
            'dossier': w.records['one_stop.dossier'], 'date': now,
            'from_state': 'received', 'to_state': 'returned',
            'reason': "Forged"},
        'party.party': lambda: {'name': f"Citizen {n}"},
        'party.address': lambda: {'party': w.party, 'city': f"City {n}"},
        'one_stop.dossier.daily_number': lambda: {
            'agency': -n, 'day': TODAY, 'last': 1},
        'satisfaction.followup.rating': lambda: {
            'feedback': w.followup, 'response': w.records[
                'satisfaction.response'], 'value': 5, 'submitted_date': now},
        'satisfaction.response.appeal': lambda: {
            'response': w.records['satisfaction.response'],
            'agency': w.agency, 'reason': "Forged", 'state': 'requested',
            'requested_date': now},
        'reform.period': lambda: {
            'name': f"Period {n}", 'code': f'P{n}', 'kind': 'year',
            'start_date': dt.date(TODAY.year, 1, 1),
            'end_date': dt.date(TODAY.year, 12, 31)},
        'reform.criterion': lambda: {
            'period': w.period, 'code': f'9.{n}', 'name': f"Criterion {n}",
            'max_points': Decimal(2)},
        'reform.criterion.survey_point': lambda: {
            'criterion': w.records['reform.criterion'],
            'rate': Decimal('0.5'), 'share': Decimal('0.25')},
        'reform.classification': lambda: {
            'period': w.period, 'label': f"Class {n}",
            'min_points': Decimal(1000 + n)},
        'reform.classification.default': lambda: {
            'label': f"Default class {n}", 'min_points': Decimal(1000 + n)},
        'reform.scorecard': lambda: {
            'period': w.period, 'agency': w.new_agency()},
        'reform.scorecard.line': lambda: {
            'scorecard': w.records['reform.scorecard'],
            'criterion': w.new_criterion()},
        'satisfaction.configuration': lambda: {'expiry_days': 7},
        'satisfaction.questionnaire': lambda: {
            'name': f"Questionnaire {n}", 'code': f'am-{n}', 'version': 1},
        'satisfaction.question': lambda: {
            'questionnaire': w.records['satisfaction.questionnaire'],
            'code': f'q{n}', 'text': f"Question {n}?", 'element': 'overall',
            'kind': 'rating'},
        'satisfaction.question.choice': lambda: {
            'question': w.records['satisfaction.question'],
            'value': f'v{n}', 'label': f"Choice {n}"},
        # complete and valid: only the access rights can refuse them
        'satisfaction.invitation': lambda: {
            'dossier': w.records['one_stop.dossier'],
            'nonce': secrets.token_hex(16),
            'token_hash': secrets.token_hex(32),
            'short_code': f'AM{n:06d}', 'state': 'open',
            'expiry': now + dt.timedelta(days=7), 'issued_date': now,
            'questionnaire': w.questionnaire, 'agency': w.agency,
            'procedure': w.procedure, 'channel': 'counter',
            'returned_date': now},
        'satisfaction.response': lambda: {
            'invitation': w.open_invitation, 'dossier': w.open_dossier,
            'questionnaire': w.questionnaire, 'submitted_date': now,
            'comment': "Forged", 'review_state': 'none', 'excluded': False},
        'satisfaction.response.answer': lambda: {
            'response': w.records['satisfaction.response'],
            'question': w.rating_question, 'value': 1},
        'satisfaction.response.flag': lambda: {
            'response': w.records['satisfaction.response'],
            'reason': 'honeypot', 'detail': "Forged"},
        'satisfaction.response.review': lambda: {
            'response': w.records['satisfaction.response'],
            'action': 'exclude', 'reason': "Forged", 'date': now},
        # views computed by the database: no valid creation exists
        'satisfaction.report.agency': lambda: {'agency': w.agency},
        'satisfaction.report.month': lambda: {'month': TODAY},
        }[model]()


# The field read by the read cells, and the values of the write cells
READS = {
    'one_stop.agency': 'address',
    'one_stop.counter': 'name',
    'one_stop.procedure': 'name',
    'one_stop.procedure.field': 'code',
    'one_stop.holiday': 'name',
    'one_stop.configuration': 'timezone',
    'one_stop.dossier': 'reason',
    'one_stop.dossier.event': 'reason',
    'party.party': 'name',
    'party.address': 'city',
    'one_stop.dossier.daily_number': 'last',
    'reform.period': 'name',
    'reform.criterion': 'description',
    'reform.criterion.survey_point': 'share',
    'reform.classification': 'label',
    'reform.classification.default': 'label',
    'reform.scorecard': 'state',
    'reform.scorecard.line': 'note',
    'satisfaction.configuration': 'survey_base_url',
    'satisfaction.questionnaire': 'name',
    'satisfaction.question': 'help',
    'satisfaction.question.choice': 'label',
    'satisfaction.invitation': 'state',
    'satisfaction.response': 'review_state',
    'satisfaction.response.answer': 'value',
    'satisfaction.response.flag': 'reason',
    'satisfaction.response.review': 'action',
    'satisfaction.followup.rating': 'value',
    'satisfaction.response.appeal': 'reason',
    'satisfaction.report.agency': 'answered',
    'satisfaction.report.month': 'answered',
    }


def writes(w, model):
    return {
        'one_stop.agency': {'address': "1 Tràng Tiền"},
        'one_stop.counter': {'name': "Quầy 1"},
        'one_stop.procedure': {'name': "Đăng ký kinh doanh"},
        'one_stop.procedure.field': {'code': 'KD'},
        'one_stop.holiday': {'name': "Tết"},
        'one_stop.configuration': {'timezone': 'Asia/Ho_Chi_Minh'},
        'one_stop.dossier': {'reason': "Thiếu giấy tờ"},
        'one_stop.dossier.event': {'reason': "Rewritten"},
        'party.party': {'name': "Trần Văn Bình"},
        'party.address': {'city': "Phan Thiết"},
        'one_stop.dossier.daily_number': {'last': 1},
        'reform.period': {'name': "Năm"},
        'reform.criterion': {'description': "Mô tả"},
        'reform.criterion.survey_point': {'share': Decimal('0.5')},
        'reform.classification': {'label': "Tốt"},
        'reform.classification.default': {'label': "Khá"},
        # through the lines: the only change of the scorecard itself an
        # officer may make (its period, agency, state... are refused)
        'reform.scorecard': {'lines': [
                ('write', [w.records['reform.scorecard.line']],
                    {'note': "Through the scorecard"})]},
        'reform.scorecard.line': {'note': "Ghi chú"},
        'satisfaction.configuration': {'survey_base_url': None},
        'satisfaction.questionnaire': {'name': "Khảo sát"},
        'satisfaction.question': {'help': "Trợ giúp"},
        'satisfaction.question.choice': {'label': "Có"},
        'satisfaction.invitation': {'printed_date': None},
        # the one change Response.write lets through (the review's)
        'satisfaction.response': {'exclusion_reason': "Edited"},
        'satisfaction.response.answer': {'value': 5},
        'satisfaction.response.flag': {'detail': "Edited"},
        'satisfaction.response.review': {'reason': "Edited"},
        'satisfaction.followup.rating': {'comment': "Edited"},
        'satisfaction.response.appeal': {'reason': "Edited"},
        'satisfaction.report.agency': {'answered': 0},
        'satisfaction.report.month': {'answered': 0},
        }[model]


# Models without ModelView: no method of theirs is served over RPC (HTTP 403)
NOT_SERVED = {'one_stop.dossier.daily_number'}
# Computed by the database: trytond refuses to change them, before any
# access check, with a NotImplementedError (no access error)
VIEWS = {'satisfaction.report.agency', 'satisfaction.report.month'}
SINGLETONS = {'one_stop.configuration', 'satisfaction.configuration'}
# Not created by admin over RPC: made by the system or directly (Direct)
SYSTEM_MADE = {
    'one_stop.dossier.event', 'one_stop.dossier.daily_number',
    'satisfaction.invitation', 'satisfaction.response',
    'satisfaction.response.answer', 'satisfaction.response.flag',
    'satisfaction.response.review', 'satisfaction.report.agency',
    'satisfaction.report.month', 'satisfaction.followup.rating',
    'satisfaction.response.appeal'}
REPORT_CONTEXT = {
    'from_date': TODAY - dt.timedelta(days=2),
    'to_date': TODAY + dt.timedelta(days=2),
    }


def group_id(admin, name):
    ids = admin.model('res.group').search([('name', '=', name)], 0, None, None)
    assert len(ids) == 1, name
    return ids[0]


def make_responses(pool, invitations, extra, questions):
    """Store one response per invitation, as the survey pages do, and
    extra answers, flags and reviews of the first one; return their ids"""
    Response = pool.get('satisfaction.response')
    Answer = pool.get('satisfaction.response.answer')
    Flag = pool.get('satisfaction.response.flag')
    Review = pool.get('satisfaction.response.review')
    Invitation = pool.get('satisfaction.invitation')
    now = dt.datetime.now().replace(microsecond=0)
    rating, text = questions
    responses = Response.create([{
                'invitation': i.id, 'dossier': i.dossier.id,
                'questionnaire': i.questionnaire.id, 'submitted_date': now,
                'language': 'vi', 'comment': "Cán bộ nhiệt tình",
                'review_state': 'pending',
                'answers': [('create', [
                            {'question': rating, 'value': 4},
                            {'question': text, 'text': "Cán bộ nhiệt tình"},
                            ])],
                'flags': [('create', [{'reason': 'counter_network'}])],
                } for i in Invitation.browse(invitations)])
    Invitation.write(Invitation.browse(invitations), {
            'state': 'answered', 'answered_date': now})
    first = responses[0]
    answers = Answer.create([
            {'response': first.id, 'question': rating, 'value': 3}
            for _ in range(extra + 1)])
    flags = Flag.create([
            {'response': first.id, 'reason': 'too_fast'}
            for _ in range(extra + 1)])
    reviews = Review.create([
            {'response': first.id, 'action': 'confirm', 'reason': "Checked",
                'date': now}
            for _ in range(extra + 1)])
    return ([r.id for r in responses], [a.id for a in answers],
        [f.id for f in flags], [r.id for r in reviews])


def make_loop(pool, responses, agency):
    """The follow-up of two of the responses: the first answered and
    re-rated, the second appealed; return the ids of the follow-up, the
    re-rating and the appeal"""
    Feedback = pool.get('one_stop.feedback')
    Kind = pool.get('one_stop.feedback.kind')
    Response = pool.get('satisfaction.response')
    Appeal = pool.get('satisfaction.response.appeal')
    kind, = Kind.search([('code', '=', 'handling')])
    rated, appealed = Response.browse(responses[:2])
    followups = Feedback.create([{
                'channel': 'survey', 'agency': agency, 'kind': kind.id,
                'content': "Đánh giá 1/5",
                'origin': f'satisfaction.response,{r.id}',
                } for r in [rated, appealed]])
    Feedback.write([followups[0]], {'answer_text': "Đã khắc phục"})
    Feedback.answer([followups[0]])
    rerating = Feedback.rerate(followups[0], rated, 4, first=1)
    appeal, = Appeal.create([{
                'response': appealed.id, 'feedback': followups[1].id,
                'agency': agency, 'reason': "Trả lời nhầm cơ quan",
                'state': 'requested',
                'requested_date': dt.datetime.now().replace(microsecond=0),
                }])
    return followups[0].id, rerating.id, appeal.id


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    server = start_server(
        str(tmp_path_factory.mktemp('trytond_access_matrix')), MODULES,
        languages=())
    yield server
    stop_server(server)


@pytest.fixture(scope='module')
def world(server):
    """The records of every model and a throwaway record per model and user
    (for the delete cells), in the agency of all the users"""
    admin = server.client()
    w = SimpleNamespace(admin=admin, records={}, spare={})
    model = admin.model
    count = len(USERS)

    def create(model_name, vlist):
        return model(model_name).create(vlist)

    w.agency, = create('one_stop.agency', [values_of(w, 'one_stop.agency')])
    w.counter, = create('one_stop.counter', [{
                'agency': w.agency, 'code': 'Q', 'name': "Quầy",
                'kind': 'result'}])
    w.procedure, = create(
        'one_stop.procedure', [values_of(w, 'one_stop.procedure')])
    w.party, = create('party.party', [{'name': "Nguyễn Thị Lan"}])
    # spare agencies and criteria for the scorecards and lines created
    spare_agencies = iter(create('one_stop.agency', [
                values_of(w, 'one_stop.agency') for _ in range(3 * count)]))
    w.new_agency = lambda: next(spare_agencies)
    w.period, = create('reform.period', [values_of(w, 'reform.period')])
    spare_criteria = iter(create('reform.criterion', [
                values_of(w, 'reform.criterion') for _ in range(3 * count)]))
    w.new_criterion = lambda: next(spare_criteria)

    # Admin's creations, in dependency order: one record and the spares
    for name in MATRIX:
        if name in SYSTEM_MADE:
            continue
        if name in SINGLETONS:
            model(name).write([1], values_of(w, name))
            w.records[name] = 1
            w.spare[name] = dict.fromkeys(USERS, 1)
            continue
        vlist = [values_of(w, name) for _ in range(count + 1)]
        if name == 'reform.scorecard':
            # the officer's scorecard: of the agency of the users
            vlist[0]['agency'] = w.agency
        ids = create(name, vlist)
        w.records[name] = ids[0]
        w.spare[name] = dict(zip(USERS, ids[1:]))

    # The received dossiers above carry the events; returned ones carry the
    # invitations: one left open (the response created in the cells), one
    # answered (the response of the cells) and, for each user, one open
    # (its throwaway invitation) and one answered (its throwaway response)
    Dossier = model('one_stop.dossier')
    returned = create('one_stop.dossier', [
            values_of(w, 'one_stop.dossier') for _ in range(2 * count + 2)])
    Dossier.process(returned)
    Dossier.mark_ready(returned)
    Dossier.return_result(returned)
    invitations = {
        i['dossier']: i['id'] for i in model(
            'satisfaction.invitation').search_read(
            [('dossier', 'in', returned)], 0, None, None, ['dossier'])}
    assert len(invitations) == len(returned)
    events = {
        e['dossier']: e['id'] for e in model(
            'one_stop.dossier.event').search_read(
            [('dossier', 'in', list(w.spare['one_stop.dossier'].values())
                    + [w.records['one_stop.dossier']])],
            0, None, None, ['dossier'])}
    w.records['one_stop.dossier.event'] = events[
        w.records['one_stop.dossier']]
    w.spare['one_stop.dossier.event'] = {
        who: events[d] for who, d in w.spare['one_stop.dossier'].items()}
    w.open_dossier = returned[0]
    w.open_invitation = invitations[returned[0]]
    w.records['satisfaction.invitation'] = invitations[returned[1]]
    w.spare['satisfaction.invitation'] = {
        who: invitations[d] for who, d in zip(USERS, returned[2:])}
    answered = [invitations[returned[1]]] + [
        invitations[d] for d in returned[2 + count:]]

    w.questionnaire = model('satisfaction.invitation').read(
        [w.open_invitation], ['questionnaire'])[0]['questionnaire']
    questions = {
        q['kind']: q['id'] for q in model(
            'satisfaction.question').search_read(
            [('questionnaire', '=', w.questionnaire)], 0, None,
            [('sequence', 'ASC'), ('id', 'ASC')], ['kind'])}
    w.rating_question = questions['rating']
    direct = Direct(server)
    responses, answers, flags, reviews = direct.run(
        lambda pool: make_responses(
            pool, answered, count, (questions['rating'], questions['text'])))
    for name, ids in [
            ('satisfaction.response', responses),
            ('satisfaction.response.answer', answers),
            ('satisfaction.response.flag', flags),
            ('satisfaction.response.review', reviews)]:
        w.records[name] = ids[0]
        w.spare[name] = dict(zip(USERS, ids[1:]))
    w.followup, rerating, appeal = direct.run(
        lambda pool: make_loop(pool, responses, w.agency))
    # nobody may delete them: one record serves every delete cell
    for name, record in [
            ('satisfaction.followup.rating', rerating),
            ('satisfaction.response.appeal', appeal)]:
        w.records[name] = record
        w.spare[name] = dict.fromkeys(USERS, record)
    # not served over RPC (not a ModelView): any id
    w.records['one_stop.dossier.daily_number'] = 1
    w.spare['one_stop.dossier.daily_number'] = dict.fromkeys(USERS, 1)

    for name, domain in [
            ('satisfaction.report.agency', [('agency', '=', w.agency)]),
            ('satisfaction.report.month', [])]:
        row, = model(name).search_read(domain, 0, None, None, ['answered'],
            context=context_of(w, name))
        assert row['answered'] == len(answered)
        w.records[name] = row['id']
        w.spare[name] = dict.fromkeys(USERS, row['id'])

    # The users, all of the agency of the records
    w.clients = {'admin': admin}
    for who, group in USERS.items():
        if who == 'admin':
            continue
        login, password = f'am_{who}', f'{who}-Matrix-Secret-2026'
        values = {
            'name': who, 'login': login, 'password': password,
            'one_stop_agency': w.agency,
            }
        if group:
            values['groups'] = [('add', [group_id(admin, group)])]
        create('res.user', [values])
        w.clients[who] = server.client(login, password)
    return w


# --- the cells ----------------------------------------------------------

def context_of(w, model):
    if model == 'satisfaction.report.agency':
        return REPORT_CONTEXT
    if model == 'satisfaction.report.month':
        return dict(REPORT_CONTEXT, agency=w.agency)
    return None


def assert_access_error(error):
    assert error.kind == 'UserError', error.error
    assert any(p.search(error.message or '') for p in ACCESS_MESSAGES), (
        f"not an access error: {error.message!r}")


def attempt(w, model, who, operation):
    "Do operation on model as who and return its result"
    proxy = w.clients[who].model(model)
    context = context_of(w, model)
    record = w.records[model]
    if operation == 'read':
        rows = proxy.read([record], [READS[model]], context=context)
        assert [r['id'] for r in rows] == [record]
    elif operation == 'write':
        proxy.write([record], writes(w, model), context=context)
    elif operation == 'create':
        ids = proxy.create([values_of(w, model)], context=context)
        assert len(ids) == 1 and isinstance(ids[0], int)
    elif operation == 'delete':
        record = w.spare[model][who]
        proxy.delete([record], context=context)
        if model in SINGLETONS:
            # the configuration is back to its defaults: set it again
            w.admin.model(model).write([1], values_of(w, model))
        else:
            assert not w.admin.model(model).search(
                [('id', '=', record)], 0, None, None, context=context)


CELLS = [
    pytest.param(model, who, operation,
        id=f'{model}-{who}-{operation}')
    for model in MATRIX
    for who in USERS
    for operation in OPERATIONS.values()]


def test_matrix_is_complete():
    for model, row in MATRIX.items():
        assert set(row) == set(USERS), model
        for letters in row.values():
            assert set(letters) <= set(OPERATIONS) | {'-'}, model
    assert set(READS) == set(MATRIX)
    for (model, _), row in FIELD_MATRIX.items():
        assert model in MATRIX and set(row) <= set(USERS)


@pytest.mark.parametrize('model, who, operation', CELLS)
def test_access(world, model, who, operation):
    letter = operation[0]
    if letter in MATRIX[model][who]:
        attempt(world, model, who, operation)
    elif model in NOT_SERVED:
        with pytest.raises(RPCHTTPError) as info:
            attempt(world, model, who, operation)
        assert info.value.status == 403
    elif model in VIEWS and operation != 'read':
        with pytest.raises(RPCError) as info:
            attempt(world, model, who, operation)
        assert info.value.error[0] == 'On table_query', info.value.error
    else:
        with pytest.raises(RPCError) as info:
            attempt(world, model, who, operation)
        assert_access_error(info.value)


FIELD_CELLS = [
    pytest.param(model, field, who, operation,
        id=f'{model}.{field}-{who}-{operation}')
    for (model, field), row in FIELD_MATRIX.items()
    for who in USERS
    for operation in (['read', 'write']
        if any('w' in v for v in row.values()) else ['read'])]


@pytest.mark.parametrize('model, field, who, operation', FIELD_CELLS)
def test_field_access(world, model, field, who, operation):
    proxy = world.clients[who].model(model)
    record = world.records[model]
    allowed = operation[0] in FIELD_MATRIX[model, field].get(who, '')

    def do():
        if operation == 'read':
            row, = proxy.read([record], [field])
            # 'a.b' is answered as {'a.': {'b': ...}} (or a list of them)
            assert field.split('.')[0] + ('.' if '.' in field else '') in row
            return
        # the value it has: the change itself is harmless
        value = world.admin.model(model).read([record], [field])[0][field]
        proxy.write([record], {field: value})

    if allowed:
        do()
    else:
        with pytest.raises(RPCError) as info:
            do()
        assert_access_error(info.value)


def test_evaluator_reads_the_answers(world):
    "An evaluator reads the rating, the free text and the comment"
    Response = world.clients['evaluator'].model('satisfaction.response')
    row, = Response.read([world.records['satisfaction.response']],
        ['comment', 'answers.value', 'answers.text'])
    assert row['comment'] == "Cán bộ nhiệt tình"
    assert {a['value'] for a in row['answers.']} >= {4}
    assert "Cán bộ nhiệt tình" in {a['text'] for a in row['answers.']}
