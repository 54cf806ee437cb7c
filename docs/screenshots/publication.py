"""Screenshots of the public results (docs/public-results.md).

    .venv/bin/python docs/screenshots/publication.py          # private demo
    .venv/bin/python docs/screenshots/publication.py \\
        --url http://localhost:8000/ --database demo

Without --url the script builds a private SQLite demo database like bin/demo
(one_stop, public_satisfaction and satisfaction_publication, the Vietnamese
texts, one-stop-demo with 12000 dossiers: its first year is published),
serves it on a free port and drops it at the end.  The pages are taken in
the system Chromium (/usr/bin/chromium) through Playwright, at a phone's
320 x 640 CSS px (twice the pixels) and on a 1280 x 800 desktop:
the list of periods with the latest results, an agency's page, and the
English version of the period's table.
"""
import sys
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    CHROMIUM_ARGS, PrivateDemo, argument_parser, log, report_sizes, served)

MODULES = ('one_stop', 'public_satisfaction', 'satisfaction_publication')
DOSSIERS = 12000
PHONE = {'width': 320, 'height': 640}
DESKTOP = {'width': 1280, 'height': 800}
LONG_REQUESTS = """
[request]
timeout = 300
"""


def demo(venv, keep):
    return PrivateDemo(venv, keep, modules=MODULES,
        demos=[('--dossiers', str(DOSSIERS))], config=LONG_REQUESTS)


def shoot(browser, out, base):
    "Take the pictures; return their paths"
    taken = []

    def page_of(viewport, scale):
        context = browser.new_context(
            viewport=viewport, device_scale_factor=scale, locale='vi-VN',
            is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
        return context.new_page()

    def shot(page, name, anchor=None):
        if anchor:
            page.evaluate(
                "a => document.querySelector(a).scrollIntoView()", anchor)
        path = out / f'{name}.png'
        page.screenshot(path=str(path))
        taken.append(path)

    phone = page_of(PHONE, 2)
    response = phone.goto(base)
    assert response.status == 200, response.status
    shot(phone, 'public-results-phone')
    shot(phone, 'public-results-phone-chart', '#agencies')
    shot(phone, 'public-results-phone-table', '#table-agencies')
    # the agency with the most answers
    agency_url = urljoin(base, phone.evaluate('''() => {
        const rows = [...document.querySelectorAll(
            '[aria-labelledby="table-agencies"] tbody tr')];
        const answers = r => parseInt(r.cells[1].textContent) || 0;
        rows.sort((a, b) => answers(b) - answers(a));
        return rows[0].querySelector('a').getAttribute('href');
    }'''))
    phone.goto(agency_url)
    shot(phone, 'public-results-agency-phone')
    shot(phone, 'public-results-agency-phone-trend', '#chart-trend-caption')

    desktop = page_of(DESKTOP, 1)
    desktop.goto(base)
    shot(desktop, 'public-results-desktop')
    shot(desktop, 'public-results-desktop-table', '#table-agencies')
    desktop.goto(agency_url)
    shot(desktop, 'public-results-agency-desktop')
    shot(desktop, 'public-results-agency-desktop-lines', '#table-lines')
    desktop.goto(agency_url + '?lang=en')
    shot(desktop, 'public-results-agency-desktop-en')
    period_url = urljoin(base, desktop.locator(
            'main p a').first.get_attribute('href'))
    desktop.goto(period_url.split('?')[0] + '?lang=en')
    shot(desktop, 'public-results-period-en', '#table-agencies')
    return taken


def main(argv=None):
    args = argument_parser(__doc__).parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright
    with served(args.url, lambda: demo(args.venv, args.keep)) as (url, _):
        base = f'{url}{args.database}/ket-qua'
        log(f"public results at {base}")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=args.chromium, args=CHROMIUM_ARGS)
            try:
                taken = shoot(browser, args.out, base)
            finally:
                browser.close()
    report_sizes(taken)


if __name__ == '__main__':
    main()
