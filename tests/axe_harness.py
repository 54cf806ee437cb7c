# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The accessibility harness: axe-core in the Debian Chromium, driven by
Selenium, over a list of pages of a running server.

    from axe_harness import Page, check_pages
    report = check_pages([
        Page('invitation', url),                       # GET
        Page('thanks', url, data={'action': 'answer', ...}),  # a POST
        ])
    assert not report.failures, report.text()

A page is a URL opened by the browser, or a form with ``data`` that the
browser posts to it (from a blank page: as the pages' own forms under
``Referrer-Policy: no-referrer``, with ``Origin: null``); the browser
renders the server's real answer (status, headers, gzip) and axe-core runs
on it with the rules of WCAG 2.0 and 2.1, levels A and AA (TAGS).  Every
violation is reported with its rule, impact, help text and the elements
concerned; a page wider than the viewport (320 px: content must reflow,
WCAG 1.4.10) is a failure too.

axe-core is the npm package of tests/a11y, installed by ``bin/lib.sh
ensure_axe`` (``AXE_JS``); the browser is Debian's ``chromium`` with its
``chromedriver`` (no browser download).  With ``A11Y_SCREENSHOTS`` set to
a directory, each page with a ``picture`` name is also saved there as
``<picture>.png`` (the viewport, scrolled to ``anchor``, or the whole page
with ``full``), at twice the pixels of a 320 x 640 phone: the pictures of
docs/citizen-journey.md.
"""
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field

TAGS = ('wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa')
WIDTH, HEIGHT = 320, 640
AXE_JS = os.environ.get('AXE_JS') or os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    'a11y', 'node_modules', 'axe-core', 'axe.min.js')

_POST = '''
const [action, fields] = arguments;
const form = document.createElement('form');
form.method = 'post';
form.action = action;
for (const [name, value] of fields) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.appendChild(input);
}
document.body.appendChild(form);
form.submit();
'''
_RUN = '''
const [tags, done] = [arguments[0], arguments[arguments.length - 1]];
axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
    .then(result => done(JSON.stringify({
        violations: result.violations,
        width: document.documentElement.scrollWidth})))
    .catch(error => done(JSON.stringify({error: String(error)})));
'''


@dataclass
class Page:
    "A page to check: GET url, or POST data to url"
    name: str
    url: str
    data: dict = None
    picture: str = None  # the file name of its screenshot, if one is taken
    anchor: str = None  # the id of the element shown in the screenshot
    full: bool = False  # screenshot of the whole page


@dataclass
class Report:
    checked: list = field(default_factory=list)  # names of the pages
    failures: dict = field(default_factory=dict)  # name: [text]

    def text(self):
        lines = []
        for name, problems in self.failures.items():
            lines.append(f'{name}:')
            lines += [f'  {problem}' for problem in problems]
        return '\n'.join(lines)


def _need(tool):
    path = shutil.which(tool)
    assert path, f"{tool} is missing: bin/test installs it"
    return path


def _viewport(driver, width, height):
    "A phone's viewport, exactly: width x height CSS px, 2 pixels a px"
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
            'width': width, 'height': height, 'deviceScaleFactor': 2,
            'mobile': True})


@contextmanager
def chromium(width=WIDTH, height=HEIGHT):
    "A headless Chromium at a phone's viewport, JavaScript on (for axe)"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = _need('chromium')
    for argument in [
            '--headless', '--no-sandbox', '--disable-gpu',
            '--disable-background-networking', '--disable-component-update',
            '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
            '--hide-scrollbars', '--lang=vi',
            f'--window-size={width},{height}']:
        options.add_argument(argument)
    driver = webdriver.Chrome(
        service=Service(_need('chromedriver')), options=options)
    try:
        _viewport(driver, width, height)
        driver.set_script_timeout(60)
        yield driver
    finally:
        driver.quit()


def open_page(driver, page, timeout=30):
    "Open page in the browser: a GET, or its form posted"
    from selenium.webdriver.support.ui import WebDriverWait
    if page.data is None:
        driver.get(page.url)
        return
    driver.get('about:blank')
    driver.execute_script(_POST, page.url, [
            [name, value] for name, value in page.data.items()])
    WebDriverWait(driver, timeout).until(
        lambda d: d.current_url != 'about:blank'
        and d.execute_script('return document.readyState') == 'complete')


def describe(violation):
    "One line per violation, then one per element concerned"
    lines = [f"{violation['id']} ({violation.get('impact')}): "
        f"{violation['help']} [{violation['helpUrl']}]"]
    for node in violation['nodes']:
        summary = ' '.join(node.get('failureSummary', '').split())
        lines.append(f"    {' '.join(node['target'])}: {summary}")
    return lines


def screenshot(driver, page, directory, width=WIDTH, height=HEIGHT):
    path = os.path.join(directory, f'{page.picture}.png')
    if page.full:
        total = driver.execute_script(
            'return document.documentElement.scrollHeight')
        _viewport(driver, width, max(height, total))
        driver.save_screenshot(path)
        _viewport(driver, width, height)
        return
    if page.anchor:
        driver.execute_script(
            'document.getElementById(arguments[0]).scrollIntoView()',
            page.anchor)
    driver.save_screenshot(path)


def check_pages(pages, driver=None, width=WIDTH):
    """Run axe-core on every page; return the Report (failures empty when
    every page passed)"""
    with open(AXE_JS) as fp:
        axe = fp.read()
    directory = os.environ.get('A11Y_SCREENSHOTS')
    report = Report()
    with (chromium() if driver is None else _same(driver)) as driver:
        for page in pages:
            open_page(driver, page)
            driver.execute_script(axe)
            result = json.loads(driver.execute_async_script(_RUN, TAGS))
            problems = []
            if 'error' in result:
                problems.append(f"axe failed: {result['error']}")
            for violation in result.get('violations', []):
                problems += describe(violation)
            if result.get('width', 0) > width:
                problems.append(
                    f"wider than the {width} px viewport: {result['width']}")
            if problems:
                report.failures[page.name] = problems
            report.checked.append(page.name)
            if directory and page.picture:
                screenshot(driver, page, directory)
    return report


@contextmanager
def _same(driver):
    yield driver
