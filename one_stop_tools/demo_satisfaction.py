"""Demo data of the satisfaction surveys (module public_satisfaction).

Registered in ``one_stop_tools.demo.GENERATORS``: ``generate(context)``
runs after the host generator when public_satisfaction is activated (see
``one_stop_tools.demo`` for ``context``).  The host writes the history of
its dossiers in bulk, so the plugin's ``return_result`` never ran for them:
this gives every eligible returned dossier that has no invitation yet the
invitation the return would have issued, then what the citizen did with
it, dated in the past, all through the module's own API:

- ``Invitation.issue(dossiers, dates)``: the snapshot of the dossier, a
  fresh token and short code, issued when the result was returned and
  valid for the configured number of days;
- coverage differs per agency as in the source notice
  (``demo_data.SURVEY_*``): the agencies that sent most forms (Sở Kế hoạch
  và Đầu tư, Sở Tư pháp, the district committees of Hàm Thuận Bắc, La Gi,
  Hàm Thuận Nam and Bắc Bình) have about 60-80 % of their eligible dossiers
  answered, most others lag (5-25 %), a few are near 0; many citizens of
  Hàm Thuận Nam decline;
- the receipt printed, the survey opened, declined: the invitation's
  transitions (``mark_printed``, ``open``, ``decline``) with the dates of
  the events (when the questions were first shown is left empty);
- the answers are the form a browser would send, checked by
  ``answers.validate`` and stored by ``Response.submit_many`` as an import
  of history (no client: no interference signal); ratings mostly 4-5, some
  3, a few unhappy citizens (1-2) who mostly leave a complaint; late
  results and supplement requests pull the ratings and the facts (times
  the citizen came back, agencies contacted) down;
- invitations never answered whose validity ended stay open or opened
  (their status shows them expired); recent ones are still open.

Then a handful of the most recent eligible dossiers of the provincial
Public Administration Centre get a current invitation (dated now), so that
a demo user can print a receipt and answer a real survey; two more are
answered now from their counter's network, as a clerk answering for the
citizen would: flagged, waiting in the evaluators' queue.  Unless
``--no-users`` the evaluator login ``danhgia`` is created.  The survey base
URL of the configuration is left as it is (empty: the server's address).

Dossiers are streamed by id, one transaction per batch of ``context.batch``
dossiers: memory stays bounded whatever the number of dossiers.  Re-running
only handles the dossiers without invitation.
"""
import datetime as dt
import hashlib
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sql.aggregate import Count
from sql.operators import Exists

from trytond.modules.one_stop.networks import parse_networks
from trytond.modules.public_satisfaction.answers import (
    NOT_APPLICABLE, field_name, validate)
from trytond.modules.public_satisfaction.eligibility import (
    ELIGIBLE, eligibility)
from trytond.modules.public_satisfaction.response import Submission
from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError

from one_stop_tools import demo_data as data

UTC = dt.UTC
FRESH_INVITATIONS = 5
COUNTER_ANSWERS = 2
LANGUAGE = 'vi'

# Overall rating distributions: normal and late results
OVERALL = ((5, 4, 3, 2, 1), (0.46, 0.375, 0.125, 0.025, 0.015))
OVERALL_LATE = ((5, 4, 3, 2, 1), (0.14, 0.30, 0.26, 0.18, 0.12))


def _profile(code, seed):
    "Return (answered, declined, printed) shares of the agency code"
    for table in (data.SURVEY_NAMED, data.SURVEY_SUCCESSORS,
            data.SURVEY_NEAR_ZERO):
        if code in table:
            return table[code]
    if code == data.CENTRE:
        return data.SURVEY_CENTRE
    # a stable draw per agency, independent of the order of the dossiers
    digest = hashlib.sha256(f'{seed}-{code}'.encode()).digest()
    u = int.from_bytes(digest[:4], 'big') / 2 ** 32
    v = int.from_bytes(digest[4:8], 'big') / 2 ** 32
    declined = 0.18 if code in data.HAM_THUAN_NAM_AREA else 0.02 + 0.04 * v
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
        complaints = data.COMPLAINTS
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
                causes = [c for c in complaints if c != 'late' or late]
                cause = rng.choices(
                    causes, [complaints[c][0] for c in causes])[0]
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
            comment = (rng.choice(complaints[cause][2])
                if rng.random() < 0.9 else None)
        elif overall == 3:
            draw = rng.random()
            comment = (rng.choice(complaints[cause][2]) if draw < 0.2
                else rng.choice(data.SUGGESTIONS) if draw < 0.45 else None)
        else:
            draw = rng.random()
            comment = (rng.choice(data.PRAISES_EARLY) if early and draw < 0.05
                else rng.choice(data.PRAISES) if draw < 0.12
                else rng.choice(data.SUGGESTIONS) if draw < 0.15 else None)
        return overall, cause, come_back, agencies, comment

    def form(self, questionnaire, late, supplement, quality, early):
        """Return the survey form as the citizen's browser sends it:
        {field name: [value]}, the questions left empty absent"""
        rng = self.rng
        overall, cause, come_back, agencies, comment = self.ratings(
            late, supplement, quality, early)
        weak = data.COMPLAINTS[cause][1] if cause else None
        form = {}
        for question in self.questions[questionnaire]:
            kind, element = question.kind, question.element
            name = field_name(question.code)
            if kind == 'rating':
                if element == 'overall':
                    value = overall
                elif element == weak:
                    value = _clip(overall - rng.choice([0, 1, 1]))
                elif (element == 'feedback'
                        and question.allow_not_applicable
                        and rng.random() < (0.8 if overall >= 4 else 0.5)):
                    form[name] = [NOT_APPLICABLE]
                    continue
                else:
                    value = _clip(overall + rng.choices(
                            [-1, 0, 1], [0.15, 0.65, 0.2])[0])
                if (not question.required and element != 'overall'
                        and rng.random() < 0.02):
                    continue  # left empty
                form[name] = [str(value)]
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
                form[name] = [choice]
            elif kind == 'text':
                text = comment if element == 'comment' else None
                if text:
                    form[name] = [text[:question.max_length or 1000]]
        return form


def _load_questions(pool, questionnaire_ids):
    "The questions and the validation specs of the questionnaires"
    Questionnaire = pool.get('satisfaction.questionnaire')
    Response = pool.get('satisfaction.response')
    questions, specs = {}, {}
    for questionnaire in Questionnaire.browse(list(questionnaire_ids)):
        questions[questionnaire.id] = [SimpleNamespace(
                code=q.code, kind=q.kind, element=q.element,
                required=bool(q.required),
                allow_not_applicable=bool(q.allow_not_applicable),
                choices=[c.value for c in sorted(q.choices,
                        key=lambda c: (c.sequence or 0, c.id))],
                max_length=q.max_length)
            for q in questionnaire.ordered_questions()]
        specs[questionnaire.id] = Response.question_specs(questionnaire)
    return questions, specs


def _setup(context):
    "Read the reference data once; return a namespace"
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
    questions, specs = _load_questions(
        pool, {q for q in questionnaire.values() if q})
    setup = SimpleNamespace(
        rules=configuration.get_rules(),
        validity=dt.timedelta(days=configuration.expiry_days),
        agency_code={a.id: a.code for a in agencies},
        agency_override={a.id: a.satisfaction_survey for a in agencies},
        procedure={p.id: (bool(p.immediate_result), p.satisfaction_survey)
            for p in procedures},
        questionnaire=questionnaire,
        questions=questions,
        specs=specs,
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


def _validated(setup, questionnaire, form):
    "The answers of form, validated as the survey page does"
    result = validate(setup.specs[questionnaire], form)
    if not result.valid:
        raise ValueError(
            f"invalid demo answers {result.errors} for the form {form}")
    return result.answers


def _not_invited(dossier, invitation):
    return ~Exists(invitation.select(invitation.id,
            where=invitation.dossier == dossier.id))


def _fresh_invitations(setup):
    """Issue current invitations for the most recent eligible returned
    dossiers of the Centre without one and answer two of them from their
    counter; return the codes of the open ones"""
    pool = Pool()
    Dossier = pool.get('one_stop.dossier')
    Invitation = pool.get('satisfaction.invitation')
    centre = [i for i, c in setup.agency_code.items() if c == data.CENTRE]
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
            & _not_invited(dossier, invitation),
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
    _answers_from_counter(setup, Dossier.browse(counter_ids))
    return [d.code for d in dossiers]


def _answers_from_counter(setup, dossiers):
    """Answer the invitations of dossiers from their counter's network,
    as a clerk filling in the survey on the counter's computer would"""
    pool = Pool()
    Invitation = pool.get('satisfaction.invitation')
    Response = pool.get('satisfaction.response')
    dossiers = [d for d in dossiers if d.counter and d.counter.networks]
    if not dossiers:
        return
    invitations = Invitation.issue(dossiers)
    # opened at once on the counter's computer
    Invitation.show_form(invitations, {
            i.id: i.issued_date for i in invitations})
    submissions = []
    for invitation in invitations:
        questionnaire = invitation.questionnaire.id
        form = {field_name(q.code): ['5']
            for q in setup.questions[questionnaire] if q.kind == 'rating'}
        network = parse_networks(invitation.counter.networks)[0]
        submissions.append(Submission(
                invitation, _validated(setup, questionnaire, form),
                language=LANGUAGE, client={
                    'address': str(network.network_address + 17),
                    'user_agent': (
                        'Mozilla/5.0 (Windows NT 10.0; Win64; x64)'),
                    }))
    Response.submit_many(submissions)


def _evaluator():
    "Create the evaluator login; return its printed line"
    pool = Pool()
    User = pool.get('res.user')
    Lang = pool.get('ir.lang')
    ModelData = pool.get('ir.model.data')
    Agency = pool.get('one_stop.agency')
    login, name, role = data.EVALUATOR
    with Transaction().set_context(active_test=False):
        if User.search([('login', '=', login)]):
            return (login, data.PASSWORD, role)
        langs = Lang.search([
                ('code', '=', 'vi'), ('translatable', '=', True)], limit=1)
        roots = Agency.search([('code', '=', data.ROOT)], limit=1)
    # reads the answers and appraises the reform scorecards
    groups = [
        ModelData.get_id(
            'public_satisfaction', 'group_satisfaction_evaluator'),
        ModelData.get_id('reform_evaluation', 'group_reform_evaluator'),
        ]
    User.create([{
                'login': login,
                'name': name,
                'password': data.PASSWORD,
                'language': langs[0].id if langs else None,
                'groups': [('add', groups)],
                'one_stop_agency': roots[0].id if roots else None,
                }])
    return (login, data.PASSWORD, role)


def _retrying(context, func, readonly=False):
    """Run func() in a transaction of its own, started again with the locks
    it asks for (as trytond-admin does): creating the singleton
    configuration record locks its table"""
    extras = {}
    while True:
        try:
            with Transaction().start(
                    context.database, 0, readonly=readonly, **extras):
                return func()
        except TransactionError as exception:
            exception.fix(extras)


class History:
    "Give the returned dossiers their invitation and its past, by batch"

    def __init__(self, context, setup, cutoff):
        seed = context.seed
        self.setup = setup
        self.cutoff = cutoff
        self.citizen = Citizen(
            context.random, setup.questions, ZoneInfo(context.timezone))
        self.profiles = {
            i: _profile(c, seed) for i, c in setup.agency_code.items()}
        self.quality = {
            i: _quality(c, seed) for i, c in setup.agency_code.items()}
        self.counts = dict.fromkeys(
            ['not_eligible', 'open', 'opened', 'answered', 'declined'], 0)
        self.responses = self.answers = 0

    def batch(self, after, size):
        """Handle the next size returned dossiers without invitation after
        the id after; return the number of dossiers read and the last id"""
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Event = pool.get('one_stop.dossier.event')
        Invitation = pool.get('satisfaction.invitation')
        dossier = Dossier.__table__()
        event = Event.__table__()
        invitation = Invitation.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*dossier.select(
                dossier.id, dossier.agency, dossier.procedure,
                dossier.channel, dossier.return_method, dossier.timeliness,
                dossier.returned_date,
                where=(dossier.id > after) & (dossier.state == 'returned')
                & _not_invited(dossier, invitation),
                order_by=dossier.id.asc, limit=size))
        rows = cursor.fetchall()
        if not rows:
            return 0, after
        first, last = rows[0][0], rows[-1][0]
        cursor.execute(*event.select(event.dossier,
                where=(event.dossier >= first) & (event.dossier <= last)
                & (event.to_state == 'supplement_requested'),
                group_by=[event.dossier]))
        supplements = {r[0] for r in cursor}
        plans = self.plan(rows, supplements)
        if plans:
            self.record(plans)
        return len(rows), last

    def plan(self, rows, supplements):
        "Draw what happened to the invitation of each eligible dossier"
        setup, citizen = self.setup, self.citizen
        plans = []
        for (id_, agency, procedure, channel, return_method, timeliness,
                returned) in rows:
            questionnaire = setup.questionnaire.get(agency)
            if (not returned or not questionnaire
                    or not _eligible(setup, agency, procedure, channel,
                        return_method)):
                self.counts['not_eligible'] += 1
                continue
            if isinstance(returned, str):
                returned = dt.datetime.fromisoformat(returned)
            state, printed, opened, answered, declined = citizen.outcome(
                returned, returned + setup.validity, self.cutoff,
                self.profiles[agency])
            self.counts[state] += 1
            plans.append(SimpleNamespace(
                    dossier=id_, questionnaire=questionnaire,
                    returned=returned, printed=printed, opened=opened,
                    answered=answered, declined=declined,
                    # late, supplement, quality, early
                    rated=(timeliness == 'late', id_ in supplements,
                        self.quality[agency], timeliness == 'early'),
                    form=None))
        # the answers drawn after the outcomes, in the order of the dossiers
        for plan in plans:
            if plan.answered:
                plan.form = citizen.form(plan.questionnaire, *plan.rated)
        return plans

    def record(self, plans):
        "Issue the invitations of plans and play their events"
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Invitation = pool.get('satisfaction.invitation')
        Response = pool.get('satisfaction.response')
        invitations = Invitation.issue(
            Dossier.browse([p.dossier for p in plans]),
            dates={p.dossier: p.returned for p in plans})
        planned = list(zip(invitations, plans))

        def dated(name):
            "The invitations of the plans dated for name, and the dates"
            found = {i.id: getattr(p, name) for i, p in planned
                if getattr(p, name)}
            return [i for i in invitations if i.id in found], found
        # as they happened; the moment the questions were first shown is not
        # drawn (show_form): an answer only needs the invitation opened
        Invitation.mark_printed(*dated('printed'))
        Invitation.open(*dated('opened'))
        Invitation.decline(*dated('declined'))
        submissions = []
        for invitation, plan in planned:
            if plan.answered:
                answers = _validated(
                    self.setup, plan.questionnaire, plan.form)
                submissions.append(Submission(
                        invitation, answers, language=LANGUAGE,
                        date=plan.answered))
                self.answers += len(answers)
        if submissions:
            Response.submit_many(submissions)
            self.responses += len(submissions)


def generate(context):
    started = time.monotonic()
    tz = ZoneInfo(context.timezone)
    now = dt.datetime.now(UTC).replace(tzinfo=None)
    end = (dt.datetime.combine(context.end, dt.time(23, 59, 59))
        .replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None))
    cutoff = min(now, end)

    def prepare():
        setup = _setup(context)
        fresh = _fresh_invitations(setup)
        line = _evaluator() if context.users else None
        return setup, fresh, line

    setup, fresh, line = _retrying(context, prepare)
    if line and line[0] not in {entry[0] for entry in context.logins}:
        context.logins.append(line)

    with context.transaction(readonly=True) as transaction:
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Invitation = pool.get('satisfaction.invitation')
        dossier = Dossier.__table__()
        invitation = Invitation.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*dossier.select(Count(dossier.id),
                where=(dossier.state == 'returned')
                & _not_invited(dossier, invitation)))
        total, = cursor.fetchone()

    history = History(context, setup, cutoff)
    bar = context.progress(total=total, desc="satisfaction", unit="dossier")
    last = 0
    while True:
        with context.transaction():
            read, last = history.batch(last, context.batch)
        if not read:
            break
        bar.update(read)
    bar.close()

    counts = history.counts
    invited = sum(v for k, v in counts.items() if k != 'not_eligible')
    elapsed = time.monotonic() - started
    context.log(
        f"satisfaction: {invited} invitations (eligible returned dossiers; "
        f"{counts['not_eligible']} returned dossiers not eligible): "
        f"{counts['answered']} answered, {counts['declined']} declined, "
        f"{counts['opened']} opened only, {counts['open']} not opened; "
        f"{history.responses} responses with {history.answers} answers, "
        f"in {elapsed:.1f} s")
    if fresh:
        context.log(
            f"satisfaction: open survey invitations issued now for the "
            f"Centre's dossiers {', '.join(fresh)} (print their result "
            "receipt to answer)")
