# This file is part of the satisfaction_publication module.  The COPYRIGHT
# file at the top level of this repository contains the full copyright
# notices and license terms.
"""The published periods read from the database into figures.py's classes.

Only periods in the state "published" are ever read.  The points, figures,
samples, totals, classifications and ranks are those frozen in the
scorecards and their lines, read generically (every line of every leaf
criterion, whatever module computes it), so that a criterion added later
shows without any change here.  The survey figures of each agency
(coverage, satisfaction, distribution, SIPAS-style index) are
public_satisfaction's statistics.period_figures over the period's dates.
Nothing about an answer, a comment or a clerk is read.
"""
from trytond.modules.public_satisfaction import scoring
from trytond.modules.public_satisfaction.statistics import period_figures
from trytond.pool import Pool
from trytond.transaction import Transaction

from .figures import (
    ELEMENTS, AgencyResult, Criterion, Line, PeriodResult, by_rank,
    natural_key)


def published_periods():
    "The published periods, the latest first"
    Period = Pool().get('reform.period')
    return Period.search(
        [('state', '=', 'published')],
        order=[('end_date', 'DESC'), ('published_date', 'DESC'),
            ('id', 'DESC')])


def published_period(code):
    "The published period of code, or None"
    Period = Pool().get('reform.period')
    if not code or '\x00' in code:
        return None
    periods = Period.search([
            ('state', '=', 'published'),
            ('code', '=', code),
            ], order=[('id', 'DESC')], limit=1)
    return periods[0] if periods else None


def _criteria(period):
    "The leaf criteria of period, by code, with the code of their area"
    Criterion_ = Pool().get('reform.criterion')
    criteria = Criterion_.search([('period', '=', period.id)])
    with_children = {c.parent.id for c in criteria if c.parent}

    def area(criterion):
        while criterion.parent:
            criterion = criterion.parent
        return criterion.code

    leaves = [Criterion(
            code=c.code, name=c.name, max_points=c.max_points,
            kind=c.kind, area=area(c), computed=bool(c.is_computed()))
        for c in criteria if c.id not in with_children]
    return sorted(leaves, key=lambda c: natural_key(c.code))


def _line(line):
    "The published line; the survey module's fields when it has them"
    figure = getattr(line, 'figure', None)
    return Line(
        criterion=line.criterion.code,
        points=line.appraised_points,
        figure=figure,
        sample=getattr(line, 'sample_size', None),
        insufficient=bool(getattr(line, 'insufficient_sample', False)),
        rank=getattr(line, 'criterion_rank', None),
        )


# the follow-up figures of the scorecards (public_satisfaction), frozen at
# publication
FOLLOWUPS = ('opened', 'on_time', 'overdue', 'rerated', 'rerated_satisfied',
    'mean_change')


def _agency_result(scorecard, figures):
    lines = {line.criterion.code: _line(line) for line in scorecard.lines}
    # the sample rules are the survey criteria's: without any, the rank
    # rests on points only
    sufficient = not any(line.insufficient for line in lines.values())
    overall = figures.overall_counts
    return AgencyResult(
        code=scorecard.agency.code,
        name=scorecard.agency.name,
        total=scorecard.appraised_total,
        classification=(scorecard.classification.label
            if scorecard.classification else None),
        published_rank=scorecard.rank,
        lines=lines,
        eligible=figures.eligible,
        answered=figures.answered,
        excluded=figures.excluded,
        coverage=figures.coverage,
        satisfaction=figures.satisfaction,
        sipas_index=figures.sipas_index,
        mean=figures.mean,
        levels={level: overall.get(level, 0) for level in scoring.LEVELS},
        elements={e: figures.element_rate(e) for e in ELEMENTS},
        sufficient_sample=sufficient,
        followups={name: getattr(scorecard, f'followups_{name}', None)
            for name in FOLLOWUPS},
        )


def period_result(period, language, agency_codes=None):
    """Return the PeriodResult of the published period, its names in
    language; with agency_codes only the results of those agencies"""
    pool = Pool()
    Period = pool.get('reform.period')
    Scorecard = pool.get('reform.scorecard')
    Statement = pool.get('satisfaction.publication.statement')
    assert period.state == 'published', period
    content = period.get_content()
    with Transaction().set_context(language=language):
        period = Period(period.id)
        domain = [('period', '=', period.id), ('state', '=', 'published')]
        if agency_codes is not None:
            domain.append(('agency.code', 'in', list(agency_codes)))
        scorecards = Scorecard.search(domain)
        figures = period_figures(
            [s.agency.id for s in scorecards], period.start_date,
            period.end_date)
        agencies = [_agency_result(s, figures[s.agency.id])
            for s in scorecards]
        statements = Statement.approved_texts(
            period, [s.agency.id for s in scorecards])
        for scorecard, agency in zip(scorecards, agencies):
            agency.statement, agency.statement_date = statements.get(
                scorecard.agency.id, (None, None))
        return PeriodResult(
            code=period.code,
            name=period.name,
            kind=period.kind,
            start_date=period.start_date,
            end_date=period.end_date,
            published_date=period.published_date,
            content_hash=period.content_hash,
            criteria=_criteria(period),
            agencies=by_rank(agencies),
            content=content)


def agency_trend(agency_code, language):
    """Return [(PeriodResult, AgencyResult)] of the agency over every
    published period it has a scorecard in, the oldest first"""
    trend = []
    for period in reversed(published_periods()):
        result = period_result(period, language, agency_codes=[agency_code])
        agency = result.agency(agency_code)
        if agency is not None:
            trend.append((result, agency))
    return trend
