# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Demo data of the satisfaction surveys, called by ``one-stop-demo``.

``generate(context)`` runs after the host generator (see the docstring of
``one_stop_tools.demo`` for ``context``).  The host writes the history of
its dossiers directly, so the ``return_result`` hook of this module never
ran for them: this function gives every eligible returned dossier that has
no invitation yet the invitation the hook would have minted, then what the
citizen did with it, dated in the past:

- the invitation is a snapshot of the dossier (agency, counter, procedure,
  returning clerk, channel, timeliness, return date) issued when the
  result was returned and valid for the configured number of days; its
  token is derived from a fresh random nonce like ``Invitation.issue``
  (never from the seed), so a demo receipt can still be printed;
- coverage differs per agency as in the source notice: the agencies that
  sent most forms (Sở Kế hoạch và Đầu tư, Sở Tư pháp, the district
  committees of Hàm Thuận Bắc, La Gi, Hàm Thuận Nam and Bắc Bình) have
  about 60-80 % of their eligible dossiers answered, most others lag
  (5-25 %), a few are near 0; many citizens of Hàm Thuận Nam decline;
- answers are stored like ``Response.submit`` stores them (one line per
  answered question, the comment copied on the response): ratings mostly
  4-5, some 3, a few unhappy citizens (1-2) who mostly leave a complaint;
  late results and supplement requests pull the ratings and the facts
  (times the citizen came back, agencies contacted) down;
- invitations never answered whose validity ended stay open or opened
  (their status shows them expired); recent ones are still open.

Then a handful of the most recent eligible dossiers of the provincial
Public Administration Centre get a current invitation from
``Invitation.issue`` (dated now), so that a demo user can print a receipt
and answer a real survey, and (unless ``--no-users``) the evaluator login
``danhgia`` is created.  The survey base URL of the configuration is left
as it is (empty: the server's address).

Dossiers are streamed by id, one transaction per batch of ``context.batch``
dossiers, with plain SQL inserts: memory stays bounded whatever the number
of dossiers.  Re-running only handles the dossiers without invitation.
"""
import datetime as dt
import hashlib
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sql import Literal
from sql.aggregate import Count
from sql.operators import Exists

from . import tokens
from .eligibility import ELIGIBLE, eligibility

UTC = dt.UTC
CENTRE = 'H15.01'
ROOT = 'H15.00'
FRESH_INVITATIONS = 5
# Answers sent through the real submission path from the Centre's counter
# network (a clerk answering for the citizen: all 5s): flagged, waiting in
# the evaluators' queue
COUNTER_ANSWERS = 2
EVALUATOR = ('danhgia', "Phạm Thị Thu Hà",
    "Đánh giá mức độ hài lòng (Satisfaction Evaluator) - Sở Nội vụ, "
    "toàn tỉnh")
DEFAULT_PASSWORD = 'motcua-2026'

# Coverage profile per agency code: (share of the eligible dossiers
# answered, share declined, share of the receipts printed).
# The agencies named in the notice as sending most forms:
NAMED = {
    'H15.02': (0.78, 0.04, 0.98),  # Sở Kế hoạch và Đầu tư
    'H15.03': (0.72, 0.05, 0.97),  # Sở Tư pháp
    'H15.24': (0.70, 0.05, 0.97),  # UBND huyện Hàm Thuận Bắc
    'H15.21': (0.66, 0.06, 0.96),  # UBND thị xã La Gi
    'H15.23': (0.62, 0.06, 0.95),  # UBND huyện Bắc Bình
    # UBND huyện Hàm Thuận Nam: forms sent, but many citizens objected
    'H15.25': (0.56, 0.30, 0.95),
    }
# Their successors kept part of the habit
SUCCESSORS = {
    'H15.10': (0.42, 0.04, 0.90),  # Sở Tài chính (with KH&ĐT from 03/2025)
    'H15.50.04': (0.40, 0.05, 0.90),  # phường La Gi
    'H15.50.08': (0.38, 0.05, 0.90),  # xã Bắc Bình
    'H15.50.10': (0.42, 0.05, 0.90),  # xã Hàm Thuận Bắc
    'H15.50.12': (0.30, 0.25, 0.90),  # xã Hàm Thuận Nam
    }
# Hardly any form
NEAR_ZERO = {
    ROOT: (0.02, 0.01, 0.30),
    'H15.06': (0.03, 0.01, 0.40),  # Sở Giao thông vận tải
    'H15.26': (0.02, 0.01, 0.30),  # UBND huyện Tánh Linh
    'H15.29': (0.01, 0.00, 0.20),  # UBND huyện Phú Quý
    'H15.50.17': (0.02, 0.00, 0.25),  # đặc khu Phú Quý
    }
# The Centre has the QR codes on its counters (point 6 of the notice)
CENTRE_PROFILE = (0.28, 0.03, 0.95)
# Other units of the Hàm Thuận Nam area: more declines than elsewhere
HAM_THUAN_NAM = {'H15.25.01', 'H15.25.06', 'H15.50.13'}

# Overall rating distributions: normal and late results
OVERALL = ((5, 4, 3, 2, 1), (0.46, 0.375, 0.125, 0.025, 0.015))
OVERALL_LATE = ((5, 4, 3, 2, 1), (0.14, 0.30, 0.26, 0.18, 0.12))

# Causes of dissatisfaction: (weight, element most affected, complaints)
COMPLAINTS = {
    'come_back': (3, 'procedure', [
            "Phải đi lại nhiều lần mới nộp đủ hồ sơ, mỗi lần lại được yêu "
            "cầu bổ sung một loại giấy tờ khác.",
            "Lần đầu không được hướng dẫn đầy đủ nên phải đi lại nhiều lần, "
            "mất thời gian và chi phí đi lại.",
            "Hồ sơ bị trả về để bổ sung nhưng không nói rõ lý do ngay từ "
            "đầu, phải đi lại mấy lần.",
            ]),
    'late': (3, 'result', [
            "Trả kết quả trễ hẹn, không có ai gọi điện báo trước.",
            "Đến đúng ngày hẹn nhưng chưa có kết quả, phải chờ thêm mấy "
            "ngày nữa.",
            "Kết quả bị trễ hẹn mà không nhận được phiếu xin lỗi và hẹn lại "
            "ngày trả.",
            ]),
    'guidance': (3, 'official', [
            "Cán bộ hướng dẫn chưa rõ, mỗi lần hỏi lại được trả lời một "
            "kiểu.",
            "Hướng dẫn thành phần hồ sơ chưa rõ ràng, đề nghị có mẫu đơn "
            "ghi sẵn để người dân làm theo.",
            "Hỏi thì cán bộ chỉ nói lên mạng xem, không giải thích cụ thể.",
            ]),
    'waiting': (2, 'access', [
            "Phải chờ đợi lâu tại quầy, chỉ có một cán bộ tiếp nhận.",
            "Xếp hàng lâu, máy lấy số thứ tự không hoạt động.",
            "Buổi sáng đông người mà cán bộ đến muộn, người dân phải chờ.",
            ]),
    'attitude': (2, 'official', [
            "Thái độ cán bộ chưa niềm nở, trả lời qua loa.",
            "Cán bộ nói chuyện riêng, để người dân đứng chờ.",
            ]),
    'premises': (1, 'access', [
            "Chỗ ngồi chờ chật, nóng, thiếu quạt.",
            "Khó tìm chỗ gửi xe, bảng chỉ dẫn các quầy không rõ.",
            ]),
    'fees': (1, 'procedure', [
            "Không được giải thích rõ các khoản phí, lệ phí phải nộp.",
            "Thủ tục còn rườm rà, phải nộp nhiều bản sao giấy tờ đã có "
            "trong cơ sở dữ liệu.",
            ]),
    }
SUGGESTIONS = [
    "Tạm được, nhưng thời gian chờ ở quầy còn lâu.",
    "Nên bố trí thêm ghế chờ và nước uống cho người dân.",
    "Cần niêm yết thủ tục và mẫu đơn rõ hơn tại quầy.",
    "Nên nhắn tin báo khi có kết quả để người dân khỏi đi lại.",
    "Cán bộ làm việc được nhưng cần hướng dẫn kỹ hơn.",
    ]
PRAISES = [
    "Cán bộ nhiệt tình, hướng dẫn tận tình, chu đáo.",
    "Thủ tục nhanh gọn, trả kết quả đúng hẹn.",
    "Rất hài lòng, cảm ơn cán bộ Bộ phận Một cửa.",
    "Được hướng dẫn một lần là hiểu, không phải đi lại.",
    "Phục vụ chu đáo, nơi làm việc sạch sẽ, thoáng mát.",
    "Cán bộ lịch sự, giải quyết nhanh.",
    ]
PRAISES_EARLY = [
    "Nhận kết quả sớm hơn ngày hẹn, rất hài lòng.",
    "Có kết quả trước hẹn, cảm ơn cán bộ.",
    ]


def _profile(code, seed):
    "Return (answered, declined, printed) shares of the agency code"
    for table in (NAMED, SUCCESSORS, NEAR_ZERO):
        if code in table:
            return table[code]
    if code == CENTRE:
        return CENTRE_PROFILE
    # a stable draw per agency, independent of the order of the dossiers
    digest = hashlib.sha256(f'{seed}-{code}'.encode()).digest()
    u = int.from_bytes(digest[:4], 'big') / 2 ** 32
    v = int.from_bytes(digest[4:8], 'big') / 2 ** 32
    declined = 0.18 if code in HAM_THUAN_NAM else 0.02 + 0.04 * v
    return (0.05 + 0.20 * u, declined, 0.50 + 0.40 * v)


def _quality(code, seed):
    "A small shift of the ratings of the agency (-0.08 .. +0.08)"
    digest = hashlib.sha256(f'quality-{seed}-{code}'.encode()).digest()
    return (int.from_bytes(digest[:4], 'big') / 2 ** 32 - 0.5) * 0.16


def _clip(value):
    return max(1, min(5, value))


class Citizen:
    "Draw the outcome of one invitation and the answers of one response"

    def __init__(self, rng, questions, tz):
        self.rng = rng
        self.questions = questions  # questionnaire id -> [question]
        self.tz = tz

    def daytime(self, moment):
        "Move a UTC moment out of the local night (22:00-06:00)"
        local = moment.replace(tzinfo=UTC).astimezone(self.tz)
        if local.hour >= 22 or local.hour < 6:
            day = local.date()
            if local.hour >= 22:
                day += dt.timedelta(days=1)
            local = dt.datetime.combine(day, dt.time(
                    6, self.rng.randrange(60), self.rng.randrange(60)),
                tzinfo=self.tz) + dt.timedelta(
                hours=self.rng.choice([0, 0, 1, 2, 5, 12]))
        return local.astimezone(UTC).replace(tzinfo=None)

    def answer_delay(self):
        "Time from the return of the result to the submission"
        rng = self.rng
        draw = rng.random()
        if draw < 0.52:  # at the counter or just outside
            return dt.timedelta(seconds=rng.randint(150, 1500))
        if draw < 0.82:  # the same day, at home
            return dt.timedelta(minutes=rng.randint(40, 720))
        return dt.timedelta(hours=rng.randint(20, 150),
            minutes=rng.randrange(60))

    def outcome(self, returned, expiry, cutoff, profile):
        """Return the dates of the invitation and its state:
        (state, printed, opened, answered, declined)"""
        rng = self.rng
        answer_rate, decline_rate, print_rate = profile
        draw = rng.random()
        printed = None
        if draw < answer_rate or rng.random() < print_rate:
            printed = returned + dt.timedelta(seconds=rng.randint(4, 90))
        opened = answered = declined = None
        state = 'open'
        if draw < answer_rate:
            answered = self.daytime(returned + self.answer_delay())
            if answered >= expiry:
                answered = expiry - dt.timedelta(
                    minutes=rng.randint(30, 600))
            took = dt.timedelta(seconds=rng.randint(70, 420))
            opened = max(answered - took, (printed or returned)
                + dt.timedelta(seconds=rng.randint(20, 60)))
            if opened >= answered:
                answered = opened + took
            state = 'answered'
        elif draw < answer_rate + decline_rate:
            opened = returned + dt.timedelta(seconds=rng.randint(60, 900))
            declined = opened + dt.timedelta(seconds=rng.randint(8, 90))
            state = 'declined'
        elif rng.random() < 0.22:  # scanned but never finished
            opened = self.daytime(returned + self.answer_delay())
            if opened >= expiry:
                opened = None
            else:
                state = 'opened'
        # not yet happened: the invitation is still open
        if answered and answered > cutoff:
            answered = None
            state = 'opened' if opened and opened <= cutoff else 'open'
        if declined and declined > cutoff:
            declined = None
            state = 'opened' if opened and opened <= cutoff else 'open'
        if opened and opened > cutoff:
            opened = None
            state = 'open'
        if printed and printed > cutoff:
            printed = None
        return state, printed, opened, answered, declined

    def ratings(self, late, supplement, quality, early):
        "Return the overall rating, the cause of dissatisfaction and facts"
        rng = self.rng
        values, weights = OVERALL_LATE if late else OVERALL
        overall = rng.choices(values, weights)[0]
        if supplement and overall >= 4 and rng.random() < 0.25:
            overall -= 1
        if quality and overall < 5 and rng.random() < quality:
            overall += 1
        elif quality < 0 and overall > 1 and rng.random() < -quality:
            overall -= 1
        cause = None
        if overall <= 3:
            if late and rng.random() < 0.7:
                cause = 'late'
            elif supplement and rng.random() < 0.7:
                cause = 'come_back'
            else:
                causes = [c for c in COMPLAINTS if c != 'late' or late]
                cause = rng.choices(
                    causes, [COMPLAINTS[c][0] for c in causes])[0]
        if cause == 'come_back' or supplement:
            come_back = rng.choices(['1', '2+'], [0.65, 0.35])[0]
        elif overall >= 4:
            come_back = rng.choices(['0', '1', '2+'], [0.9, 0.08, 0.02])[0]
        elif overall == 3:
            come_back = rng.choices(['0', '1', '2+'], [0.65, 0.25, 0.1])[0]
        else:
            come_back = rng.choices(['0', '1', '2+'], [0.3, 0.35, 0.35])[0]
        if overall >= 4:
            agencies = rng.choices(['1', '2', '3+'], [0.92, 0.07, 0.01])[0]
        elif overall == 3:
            agencies = rng.choices(['1', '2', '3+'], [0.75, 0.2, 0.05])[0]
        else:
            agencies = rng.choices(['1', '2', '3+'], [0.5, 0.3, 0.2])[0]
        if overall <= 2:
            comment = (rng.choice(COMPLAINTS[cause][2])
                if rng.random() < 0.9 else None)
        elif overall == 3:
            draw = rng.random()
            comment = (rng.choice(COMPLAINTS[cause][2]) if draw < 0.2
                else rng.choice(SUGGESTIONS) if draw < 0.45 else None)
        else:
            draw = rng.random()
            comment = (rng.choice(PRAISES_EARLY) if early and draw < 0.05
                else rng.choice(PRAISES) if draw < 0.12
                else rng.choice(SUGGESTIONS) if draw < 0.15 else None)
        return overall, cause, come_back, agencies, comment

    def answers(self, questionnaire, late, supplement, quality, early):
        """Return the comment and the answer lines as Response.submit
        stores them: [(question, value, not_applicable, choice, text)]"""
        rng = self.rng
        overall, cause, come_back, agencies, comment = self.ratings(
            late, supplement, quality, early)
        weak = COMPLAINTS[cause][1] if cause else None
        lines = []
        stored_comment = None
        for question in self.questions[questionnaire]:
            kind, element = question.kind, question.element
            if kind == 'rating':
                if element == 'overall':
                    value = overall
                elif element == weak:
                    value = _clip(overall - rng.choice([0, 1, 1]))
                elif (element == 'feedback'
                        and question.allow_not_applicable
                        and rng.random() < (0.8 if overall >= 4 else 0.5)):
                    lines.append((question.id, None, True, None, None))
                    continue
                else:
                    value = _clip(overall + rng.choices(
                            [-1, 0, 1], [0.15, 0.65, 0.2])[0])
                if (not question.required and element != 'overall'
                        and rng.random() < 0.02):
                    continue  # left empty
                lines.append((question.id, value, False, None, None))
            elif kind == 'choice':
                if not question.choices:
                    continue
                if question.code == 'come_back':
                    choice = come_back
                elif question.code == 'agencies':
                    choice = agencies
                else:
                    choice = rng.choice(question.choices)
                if choice not in question.choices:
                    choice = question.choices[0]
                if not question.required and rng.random() < 0.05:
                    continue
                lines.append((question.id, None, False, choice, None))
            elif kind == 'text':
                text = comment if element == 'comment' else None
                if text:
                    text = text[:question.max_length or 1000]
                    lines.append((question.id, None, None, None, text))
                    stored_comment = text
        return stored_comment, lines


def _load_questions(pool, questionnaire_ids):
    Questionnaire = pool.get('satisfaction.questionnaire')
    result = {}
    for questionnaire in Questionnaire.browse(list(questionnaire_ids)):
        result[questionnaire.id] = [SimpleNamespace(
                id=q.id, code=q.code, kind=q.kind, element=q.element,
                required=bool(q.required),
                allow_not_applicable=bool(q.allow_not_applicable),
                choices=[c.value for c in sorted(q.choices,
                        key=lambda c: (c.sequence or 0, c.id))],
                max_length=q.max_length)
            for q in questionnaire.ordered_questions()]
    return result


def _setup(context):
    "Read the reference data once; return a namespace"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Configuration = pool.get('satisfaction.configuration')
    Invitation = pool.get('satisfaction.invitation')
    Agency = pool.get('one_stop.agency')
    Procedure = pool.get('one_stop.procedure')
    configuration = Configuration(1)
    with Transaction().set_context(active_test=False):
        agencies = Agency.search([])
        procedures = Procedure.search([])
    questionnaire = {}
    for agency in agencies:
        found = Invitation.questionnaire_for(SimpleNamespace(agency=agency))
        questionnaire[agency.id] = found.id if found else None
    setup = SimpleNamespace(
        rules=configuration.get_rules(),
        expiry=dt.timedelta(days=configuration.expiry_days),
        key=Configuration.get_token_key(),
        agency_code={a.id: a.code for a in agencies},
        agency_override={a.id: a.satisfaction_survey for a in agencies},
        procedure={p.id: (bool(p.immediate_result), p.satisfaction_survey)
            for p in procedures},
        questionnaire=questionnaire,
        questions=_load_questions(
            pool, {q for q in questionnaire.values() if q}),
        )
    if configuration.survey_base_url:
        context.log("satisfaction: the survey base URL is set to "
            f"{configuration.survey_base_url} (left unchanged)")
    return setup


def _eligible(setup, agency, procedure, channel, return_method):
    immediate, procedure_override = setup.procedure[procedure]
    return eligibility(
        channel, return_method, immediate, setup.rules,
        agency_override=setup.agency_override.get(agency),
        procedure_override=procedure_override) == ELIGIBLE


def _insert_sql(table, names):
    "Return the SQL of an insert of one row of names, for executemany"
    query = table.insert(
        [getattr(table, n) for n in names],
        [[Literal(None)] * len(names)])
    sql, _ = tuple(query)
    return sql


def _fresh_invitations(context, setup):
    """Issue current invitations for the most recent eligible returned
    dossiers of the Centre without one; return their codes"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Dossier = pool.get('one_stop.dossier')
    Invitation = pool.get('satisfaction.invitation')
    centre = [i for i, c in setup.agency_code.items() if c == CENTRE]
    if not centre or not setup.questionnaire.get(centre[0]):
        return []
    dossier = Dossier.__table__()
    invitation = Invitation.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*dossier.select(
            dossier.id, dossier.agency, dossier.procedure, dossier.channel,
            dossier.return_method,
            where=(dossier.agency == centre[0])
            & (dossier.state == 'returned')
            & ~Exists(invitation.select(invitation.id,
                where=invitation.dossier == dossier.id)),
            order_by=[dossier.returned_date.desc, dossier.id.desc],
            limit=100))
    ids = [r[0] for r in cursor if _eligible(setup, *r[1:])]
    # the most recent for the counter answers: in the current period
    counter_ids = ids[:COUNTER_ANSWERS]
    ids = ids[COUNTER_ANSWERS:COUNTER_ANSWERS + FRESH_INVITATIONS]
    if not ids:
        return []
    dossiers = Dossier.browse(ids)
    Invitation.issue(dossiers)
    _answers_from_counter(Dossier.browse(counter_ids))
    return [d.code for d in dossiers]


def _answers_from_counter(dossiers):
    """Answer the invitations of dossiers from their counter's network,
    as a clerk filling in the survey on the counter's computer would"""
    from trytond.modules.one_stop.networks import parse_networks
    from trytond.pool import Pool

    from .answers import validate
    pool = Pool()
    Invitation = pool.get('satisfaction.invitation')
    Response = pool.get('satisfaction.response')
    dossiers = [d for d in dossiers if d.counter and d.counter.networks]
    if not dossiers:
        return
    for invitation in Invitation.issue(dossiers):
        # opened at once on the counter's computer, as the routes record it
        opened = invitation.issued_date
        Invitation.write([invitation], {
                'state': 'opened', 'opened_date': opened,
                'form_opened_date': opened})
        network = parse_networks(invitation.counter.networks)[0]
        form = {f'q_{q.code}': ['5'] for q in
            invitation.questionnaire.ordered_questions()
            if q.kind == 'rating'}
        result = validate(
            Response.question_specs(invitation.questionnaire), form)
        Response.submit(invitation, result.answers, language='vi', client={
                'address': str(network.network_address + 17),
                'user_agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
                })


def _evaluator(context):
    "Create the evaluator login; return its printed line"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    User = pool.get('res.user')
    Lang = pool.get('ir.lang')
    ModelData = pool.get('ir.model.data')
    Agency = pool.get('one_stop.agency')
    try:
        from one_stop_tools.demo import PASSWORD
    except ImportError:
        PASSWORD = DEFAULT_PASSWORD
    login, name, role = EVALUATOR
    with Transaction().set_context(active_test=False):
        if User.search([('login', '=', login)]):
            return (login, PASSWORD, role)
        langs = Lang.search([
                ('code', '=', 'vi'), ('translatable', '=', True)], limit=1)
        roots = Agency.search([('code', '=', ROOT)], limit=1)
    # The Department of Home Affairs: reads the answers and appraises the
    # reform scorecards
    groups = [
        ModelData.get_id(
            'public_satisfaction', 'group_satisfaction_evaluator'),
        ModelData.get_id('reform_evaluation', 'group_reform_evaluator'),
        ]
    User.create([{
                'login': login,
                'name': name,
                'password': PASSWORD,
                'language': langs[0].id if langs else None,
                'groups': [('add', groups)],
                'one_stop_agency': roots[0].id if roots else None,
                }])
    return (login, PASSWORD, role)


def _retrying(context, func, readonly=False):
    """Run func() in a transaction of its own, started again with the locks
    it asks for (as trytond-admin does): creating the singleton
    configuration record locks its table"""
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        try:
            with Transaction().start(
                    context.database, 0, readonly=readonly, **extras):
                return func()
        except TransactionError as exception:
            exception.fix(extras)


def generate(context):
    from trytond.pool import Pool

    started = time.monotonic()
    rng = context.random
    seed = context.seed
    tz = ZoneInfo(context.timezone)
    now = dt.datetime.now(UTC).replace(tzinfo=None)
    end = (dt.datetime.combine(context.end, dt.time(23, 59, 59))
        .replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None))
    cutoff = min(now, end)

    def prepare():
        setup = _setup(context)
        fresh = _fresh_invitations(context, setup)
        line = _evaluator(context) if context.users else None
        return setup, fresh, line

    setup, fresh, line = _retrying(context, prepare)
    if line and line[0] not in {entry[0] for entry in context.logins}:
        context.logins.append(line)
    profiles = {i: _profile(c, seed) for i, c in setup.agency_code.items()}
    quality = {i: _quality(c, seed) for i, c in setup.agency_code.items()}
    citizen = Citizen(rng, setup.questions, tz)

    with context.transaction(readonly=True) as transaction:
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Invitation = pool.get('satisfaction.invitation')
        dossier = Dossier.__table__()
        invitation = Invitation.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*dossier.select(Count(dossier.id),
                where=(dossier.state == 'returned')
                & ~Exists(invitation.select(invitation.id,
                    where=invitation.dossier == dossier.id))))
        total, = cursor.fetchone()

    bar = context.progress(total=total, desc="satisfaction", unit="dossier")
    counts = dict.fromkeys(
        ['not_eligible', 'open', 'opened', 'answered', 'declined'], 0)
    responses = answers = 0
    last = 0
    inv_names = ['dossier', 'nonce', 'token_hash', 'short_code', 'state',
        'issued_date', 'expiry', 'questionnaire', 'agency', 'counter',
        'procedure', 'clerk', 'channel', 'timeliness', 'returned_date',
        'printed_date', 'opened_date', 'answered_date', 'declined_date',
        'create_uid', 'create_date']
    resp_names = ['invitation', 'dossier', 'questionnaire',
        'submitted_date', 'language', 'comment', 'excluded', 'review_state',
        'create_uid', 'create_date']
    answer_names = ['response', 'question', 'value', 'not_applicable',
        'choice', 'text', 'create_uid', 'create_date']
    while True:
        with context.transaction() as transaction:
            pool = Pool()
            Dossier = pool.get('one_stop.dossier')
            Event = pool.get('one_stop.dossier.event')
            Invitation = pool.get('satisfaction.invitation')
            Response = pool.get('satisfaction.response')
            Answer = pool.get('satisfaction.response.answer')
            dossier = Dossier.__table__()
            event = Event.__table__()
            invitation = Invitation.__table__()
            response = Response.__table__()
            answer = Answer.__table__()
            cursor = transaction.connection.cursor()
            cursor.execute(*dossier.select(
                    dossier.id, dossier.agency, dossier.procedure,
                    dossier.channel, dossier.return_method, dossier.counter,
                    dossier.returned_by, dossier.timeliness,
                    dossier.returned_date,
                    where=(dossier.id > last)
                    & (dossier.state == 'returned')
                    & ~Exists(invitation.select(invitation.id,
                        where=invitation.dossier == dossier.id)),
                    order_by=dossier.id.asc, limit=context.batch))
            rows = cursor.fetchall()
            if not rows:
                break
            first, last = rows[0][0], rows[-1][0]
            cursor.execute(*event.select(event.dossier,
                    where=(event.dossier >= first) & (event.dossier <= last)
                    & (event.to_state == 'supplement_requested'),
                    group_by=[event.dossier]))
            supplements = {r[0] for r in cursor}

            to_insert = []
            plans = {}  # token hash -> (dossier row, answered date)
            for (id_, agency, procedure, channel, return_method, counter,
                    clerk, timeliness, returned) in rows:
                questionnaire = setup.questionnaire.get(agency)
                if (not returned or not questionnaire
                        or not _eligible(setup, agency, procedure, channel,
                            return_method)):
                    counts['not_eligible'] += 1
                    continue
                if isinstance(returned, str):
                    returned = dt.datetime.fromisoformat(returned)
                expiry = returned + setup.expiry
                state, printed, opened, answered, declined = (
                    citizen.outcome(
                        returned, expiry, cutoff, profiles[agency]))
                counts[state] += 1
                nonce = tokens.new_nonce()
                token_hash = tokens.hash_token(
                    tokens.derive_token(setup.key, nonce))
                to_insert.append((id_, nonce.hex(), token_hash,
                        tokens.new_short_code(), state, returned, expiry,
                        questionnaire, agency, counter, procedure, clerk,
                        channel, timeliness, returned, printed, opened,
                        answered, declined, 0, returned))
                if answered:
                    plans[token_hash] = (id_, questionnaire, agency,
                        procedure, timeliness, answered)
            if to_insert:
                cursor.executemany(
                    _insert_sql(invitation, inv_names), to_insert)
            if plans:
                cursor.execute(*invitation.select(
                        invitation.id, invitation.token_hash,
                        where=(invitation.dossier >= first)
                        & (invitation.dossier <= last)
                        & (invitation.state == 'answered')))
                invitation_ids = {h: i for i, h in cursor
                    if h in plans}
                to_insert = []
                lines = {}
                for token_hash, plan in plans.items():
                    (id_, questionnaire, agency, _, timeliness,
                        answered) = plan
                    comment, answer_lines = citizen.answers(
                        questionnaire, timeliness == 'late',
                        id_ in supplements, quality[agency],
                        timeliness == 'early')
                    invitation_id = invitation_ids[token_hash]
                    lines[invitation_id] = (answer_lines, answered)
                    to_insert.append((invitation_id, id_, questionnaire,
                            answered, 'vi', comment, False, 'none', 0,
                            answered))
                cursor.executemany(
                    _insert_sql(response, resp_names), to_insert)
                low, high = min(lines), max(lines)
                cursor.execute(*response.select(
                        response.id, response.invitation,
                        where=(response.invitation >= low)
                        & (response.invitation <= high)))
                to_insert = []
                for response_id, invitation_id in cursor:
                    if invitation_id not in lines:
                        continue
                    answer_lines, answered = lines[invitation_id]
                    for line in answer_lines:
                        to_insert.append(
                            (response_id, *line, 0, answered))
                    responses += 1
                if to_insert:
                    cursor.executemany(
                        _insert_sql(answer, answer_names), to_insert)
                    answers += len(to_insert)
        bar.update(len(rows))
    bar.close()

    invited = sum(v for k, v in counts.items() if k != 'not_eligible')
    elapsed = time.monotonic() - started
    context.log(
        f"satisfaction: {invited} invitations (eligible returned dossiers; "
        f"{counts['not_eligible']} returned dossiers not eligible): "
        f"{counts['answered']} answered, {counts['declined']} declined, "
        f"{counts['opened']} opened only, {counts['open']} not opened; "
        f"{responses} responses with {answers} answers, in {elapsed:.1f} s")
    if fresh:
        context.log(
            f"satisfaction: open survey invitations issued now for the "
            f"Centre's dossiers {', '.join(fresh)} (print their result "
            "receipt to answer)")

    from . import demo_reform
    demo_reform.generate(context)
