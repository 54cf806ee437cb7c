# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Every page of the public results passes axe-core (WCAG 2.0 and 2.1, A
and AA) at a 320 px phone width, in a real Chromium (tests/axe_harness.py),
on the province of tests/publication_world.py.

The pages, in Vietnamese and in English: the list of the published periods
with the latest results, a period, an agency over the periods (ranked, and
with an insufficient sample), and the 404 page of an unpublished period.
"""
import pytest
from axe_harness import Page, check_pages
from publication_world import publish_province

MODULES = ('public_satisfaction', 'satisfaction_publication')


@pytest.fixture(scope='module')
def server(trytond_server_factory):
    return trytond_server_factory(MODULES)


@pytest.fixture(scope='module')
def province(server, direct):
    pytest.importorskip(
        'selenium.webdriver', reason="selenium is installed by bin/test")
    return publish_province(direct, 'AXE')


def public_pages(server, province):
    base = f'{server.url}/{server.database}/ket-qua'
    q1, q2 = province.periods['Q1'], province.periods['Q2']
    a, b = province.agencies['a'], province.agencies['b']
    pages = []
    for lang, query in [('vi', ''), ('en', '?lang=en')]:
        pages += [
            Page(f'periods ({lang})', f'{base}{query}'),
            Page(f'period ({lang})', f'{base}/{q1}{query}'),
            Page(f'agency ({lang})', f'{base}/{q2}/{b}{query}'),
            Page(f'agency, insufficient sample ({lang})',
                f'{base}/{q2}/{a}{query}'),
            Page(f'404 ({lang})', f'{base}/{province.draft}{query}'),
            ]
    return pages


def test_public_pages(server, province):
    pages = public_pages(server, province)
    report = check_pages(pages)
    print(f"\n[accessibility] axe-core on {len(report.checked)} public "
        f"pages: {len(report.failures)} with violations")
    assert report.checked == [p.name for p in pages]
    assert not report.failures, '\n' + report.text()
