"""What the screenshot scripts of docs/screenshots/ share.

- ``PrivateDemo``: a SQLite demo database in a temporary directory, built as
  bin/demo does and served by trytond on a free local port;
- ``argument_parser``, ``served``, ``sao_browser``, ``failure_screenshot``
  and ``report_sizes``: the frame of each script's main();
- ``Shots`` (and ``EvaluatorShots``): screenshots of the sao web client and
  its widgets; the clerk's steps (``clerk_login``, ``open_dossiers``,
  ``new_counter_dossier``...), the menu and tabs of sao, the reports
  downloaded and rasterised.

Playwright is imported only when a browser is started: the scripts import
without it.  Needs /usr/bin/chromium (never `playwright install`).
"""
import argparse
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAO_ROOT = ROOT / 'web' / 'node_modules' / 'tryton-sao'
ADMIN_PASSWORD = 'admin'
SURVEY_MODULES = ('one_stop', 'public_satisfaction')
CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run']
VIEWPORT = {'width': 1280, 'height': 800}
MAX_KB = 250  # the documentation's limit per image
# the clerk of the demo and the dossier the clerk receives
LOGIN, PASSWORD = 'canbo', 'motcua-2026'
APPLICANT = "Trần Thị"
PROCEDURE = "Cấp Phiếu lý lịch tư pháp cho công dân"

DATETIME_SHIM = """
window.addEventListener('DOMContentLoaded', function() {
  if (window.Sao && Sao.View && Sao.View.TreeXMLViewParser &&
      !Sao.View.TreeXMLViewParser.WIDGETS.datetime) {
    Sao.View.TreeXMLViewParser.WIDGETS.datetime = Sao.class_(
      Sao.View.Tree.CharColumn, {
        class_: 'column-datetime',
        get_textual_value: function(record) {
          var value = this.field.get_client(record);
          if (!value) { return ''; }
          return Sao.common.format_datetime(
            this.field.date_format(record) + ' ' +
            this.field.time_format(record), value);
        }
      });
    window.__one_stop_datetime_shim = true;
  }
});
"""


def log(message):
    print(message, file=sys.stderr, flush=True)


def shown(path):
    "path as it is logged: from the repository root when it is inside"
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


# ------------------------------------------------------------ demo server
def free_port():
    with socket.socket() as sock:
        sock.bind(('localhost', 0))
        return sock.getsockname()[1]


class PrivateDemo:
    """A SQLite demo database in a temporary directory, served by trytond.

    modules are activated (with the Vietnamese texts), then one-stop-demo
    runs once per item of demos (its arguments); config is added to the
    trytond configuration."""

    def __init__(self, venv, keep=False, modules=('one_stop',),
            demos=(('--dossiers', '800'),), config=''):
        self.venv = venv
        self.keep = keep
        self.modules = modules
        self.demos = demos
        self.config = config
        self.dir = Path(tempfile.mkdtemp(prefix='one-stop-shots-'))
        self.db_file = self.dir / 'db' / 'demo.sqlite'
        self.port = free_port()
        self.url = f'http://localhost:{self.port}/'
        self.process = None

    def run(self, *args, **kwargs):
        env = os.environ.copy()
        for name in ['TRYTOND_DATABASE__URI', 'TRYTOND_DATABASE_URI',
                'TRYTOND_CONFIG']:
            env.pop(name, None)
        env.update(kwargs.pop('env', {}))
        subprocess.run(args, check=True, env=env, cwd=self.dir, **kwargs)

    def __enter__(self):
        bin_ = self.venv / 'bin'
        conf = self.dir / 'trytond.conf'
        (self.dir / 'db').mkdir()
        conf.write_text(f"""[database]
uri = sqlite://
path = {self.dir / 'db'}
language = vi

[web]
listen = localhost:{self.port}
root = {SAO_ROOT}

[session]
timeout = 3600
{self.config}""")
        self.db_file.touch()
        (self.dir / 'pass').write_text(f'{ADMIN_PASSWORD}\n')
        logfile = open(self.dir / 'setup.log', 'w')
        log(f"building a private demo database in {self.dir}")
        self.run(bin_ / 'trytond-admin', '-c', conf, '-d', 'demo',
            '-u', *self.modules, '--activate-dependencies',
            '--email', 'admin@example.com',
            env={'TRYTONPASSFILE': str(self.dir / 'pass')},
            stdout=logfile, stderr=logfile)
        self.run(bin_ / 'trytond-admin', '-c', conf, '-d', 'demo',
            '--all', '-l', 'vi', stdout=logfile, stderr=logfile)
        for demo in self.demos:
            self.run(bin_ / 'one-stop-demo', '-c', conf, '-d', 'demo',
                *demo, stdout=logfile, stderr=logfile)
        self.server_log = open(self.dir / 'trytond.log', 'w')
        self.process = subprocess.Popen(
            [bin_ / 'trytond', '-c', conf, '-d', 'demo'],
            cwd=self.dir, stdout=self.server_log, stderr=self.server_log)
        for _ in range(100):
            try:
                with socket.create_connection(('localhost', self.port), 1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"trytond did not start: {self.dir}")
        log(f"serving {self.url} (pid {self.process.pid})")
        return self

    def __exit__(self, *exc):
        if self.process:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.keep:
            log(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def query(db_file, sql, *params):
    "Rows of sql on the demo's SQLite file, opened read only"
    connection = sqlite3.connect(f'file:{db_file}?mode=ro', uri=True)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


# ---------------------------------------------------------- each main()
def argument_parser(doc, url_help="sao URL of a running trytond "
        "(default: build and serve a private demo database)"):
    "The options of every script: the server, the output, the browser"
    parser = argparse.ArgumentParser(description=doc.split('\n')[0])
    parser.add_argument('--url', help=url_help)
    parser.add_argument('--database', default='demo')
    parser.add_argument('--out', type=Path, default=ROOT / 'docs' / 'img')
    parser.add_argument('--chromium', default='/usr/bin/chromium')
    parser.add_argument('--venv', type=Path,
        default=Path(sys.executable).parent.parent,
        help="virtualenv with trytond and one-stop-demo "
        "(default: the one running this script)")
    parser.add_argument('--keep', action='store_true',
        help="keep the private demo directory (its path is printed)")
    return parser


@contextlib.contextmanager
def served(url, make_demo):
    """Yield (the sao URL ending with /, the demo or None): url when given,
    else the one of make_demo(), a PrivateDemo stopped at the end"""
    if url:
        yield (url if url.endswith('/') else url + '/'), None
        return
    with make_demo() as demo:
        yield demo.url, demo


@contextlib.contextmanager
def sao_browser(chromium, shim=True, accept_downloads=True):
    """Yield (browser, page, errors): the system Chromium, a page of
    VIEWPORT in Vietnamese at the time of Hanoi, the errors of its scripts
    (a list filled as they come)"""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=VIEWPORT, locale='vi-VN',
            timezone_id='Asia/Ho_Chi_Minh',
            accept_downloads=accept_downloads)
        page = context.new_page()
        page.set_default_timeout(30000)
        if shim:
            page.add_init_script(DATETIME_SHIM)
        errors = []
        page.on('pageerror', lambda e: errors.append(str(e)))
        yield browser, page, errors
        browser.close()


@contextlib.contextmanager
def failure_screenshot(page, path, errors=None):
    "On an error, screenshot the page to path and say so"
    try:
        yield
    except Exception:
        page.screenshot(path=path)
        log(f"failed: see {path}"
            + (f"; page errors: {errors}" if errors is not None else ''))
        raise


def report_sizes(paths):
    for path in paths:
        size = path.stat().st_size // 1024
        flag = '  TOO BIG' if size >= MAX_KB else ''
        log(f"{size:4d} KB  {path.name}{flag}")


# ---------------------------------------------------------------- browser
class Shots:
    "Screenshots of the sao client in page, written to out"

    def __init__(self, page, out):
        self.page = page
        self.out = out
        self.taken = []

    def idle(self, pause=0.6):
        "Wait until sao has no request running"
        page = self.page
        page.wait_for_load_state('networkidle')
        page.wait_for_function(
            "() => !jQuery('#processing').is(':visible')", timeout=30000)
        time.sleep(pause)

    def settle(self):
        "Close sao's notices (e.g. 'Record saved.') and drop the focus ring"
        notices = self.page.locator('.infobar .alert .close:visible')
        for index in reversed(range(notices.count())):
            notices.nth(index).click()
        self.page.evaluate('document.activeElement && '
            'document.activeElement.blur()')
        time.sleep(0.3)

    def shot(self, name, element=None, pad=8, clip=None):
        "Screenshot the page, an element (with a margin) or a clip box"
        path = self.out / name
        self.settle()
        if element is not None:
            box = self.page.locator(element).first.bounding_box()
            clip = {
                'x': max(box['x'] - pad, 0),
                'y': max(box['y'] - pad, 0),
                'width': min(box['width'] + 2 * pad,
                    VIEWPORT['width'] - max(box['x'] - pad, 0)),
                'height': min(box['height'] + 2 * pad,
                    VIEWPORT['height'] - max(box['y'] - pad, 0)),
                }
        self.page.screenshot(path=path, clip=clip)
        self.taken.append(path)
        log(f"  {shown(path)}")

    # sao helpers
    @property
    def tab(self):
        return self.page.locator('#tabcontent .tab-pane.active')

    def toolbar(self, button_id):
        self.tab.locator(f'button#{button_id}').click()

    def form_button(self, name):
        self.tab.locator(f'.form button[name="{name}"]').click()

    def form_tab(self, label):
        "Open the page label of the notebook of the form"
        self.tab.locator('.form .nav-tabs a', has_text=label).first.click()
        self.idle()

    def open_record(self, url, database, model, record_id):
        self.page.goto(f'{url}#{database}/model/{model}/{record_id}')
        self.tab.locator('.form').first.wait_for(state='visible')
        self.idle(1)

    def list_rows(self, scope=None):
        scope = scope or self.tab
        return scope.locator('.treeview tbody tr')

    def modal(self):
        return self.page.locator('.modal.in .modal-dialog').last

    def modal_ok(self):
        self.modal().locator('.modal-footer .btn-primary').click()
        self.idle()

    def many2one(self, name, text):
        field = self.tab.locator(f'input[name="{name}"]')
        field.click()
        field.press_sequentially(text, delay=30)
        menu = field.locator(
            'xpath=ancestor::*[contains(@class, "dropdown")][1]'
            '//ul[contains(@class, "dropdown-menu")]')
        item = menu.locator('li:not(.dropdown-header) a').first
        item.wait_for(state='visible', timeout=15000)
        item.click()
        self.idle()


class EvaluatorShots(Shots):
    @property
    def tab(self):
        "The active tab of sao (not the active pages of its notebooks)"
        return self.page.locator('#tabcontent > .tab-pane.active')


def sign_in(page, url, database, user, password, on_dialog=None):
    """Fill in sao's login dialogs; on_dialog() is called when the login is
    typed, before it is sent"""
    page.goto(f'{url}#{database}')
    page.wait_for_selector('#login', state='visible')
    page.fill('#login', user)
    if on_dialog:
        on_dialog()
    page.click('.login-dialog button[type=submit]')
    field = page.locator('.modal.in input[type=password]')
    field.wait_for(state='visible')
    field.fill(password)
    field.press('Enter')


def clerk_login(page, shots, url, database, on_dialog=None):
    "Log in as the clerk canbo, until the menu shows Một cửa"
    sign_in(page, url, database, LOGIN, PASSWORD, on_dialog)
    page.wait_for_selector('#menu >> text=Một cửa')
    shots.idle()


def open_dossiers(page, shots):
    page.click('#menu >> text=Một cửa')
    page.click('#menu >> text=Hồ sơ')
    page.locator('#tabcontent .tab-pane.active .treeview tbody tr').first\
        .wait_for(state='visible')
    shots.idle()
    # hide the menu: more room for the list
    page.click('a.navbar-brand[data-toggle=menu]')
    shots.idle()


def new_counter_dossier(shots):
    "Fill in a new dossier of APPLICANT for PROCEDURE at the counter"
    shots.toolbar('new_')
    shots.tab.locator('.form input[name="applicant"]').wait_for(
        state='visible')
    shots.idle()
    shots.many2one('applicant', APPLICANT)
    shots.many2one('procedure', PROCEDURE)
    shots.tab.locator('.form select[name="channel"]').select_option(
        label='Tại quầy')
    shots.idle()


def save_dossier(shots):
    "Save the dossier of the form; return its code"
    shots.toolbar('save')
    shots.idle(1)
    return shots.tab.locator('.form input[name="code"]').input_value()


def menu(page, shots, *labels):
    "Open a menu entry by its labels, from the root"
    for label in labels:
        page.locator('#menu').get_by_text(label, exact=True).first.click()
        shots.idle()


def hide_menu(page, shots):
    if page.locator('#menu').is_visible():
        page.click('a.navbar-brand[data-toggle=menu]')
        shots.idle()


def show_menu(page, shots):
    if not page.locator('#menu').is_visible():
        page.click('a.navbar-brand[data-toggle=menu]')
        shots.idle()


def close_tabs(page, shots):
    "Close every tab of sao (nothing is modified, so nothing asks)"
    for _ in range(20):
        close = page.locator('#tablist li.active .close')
        if not close.count():
            break
        close.first.click()
        shots.idle(0.3)


def content_box(shots, selector='.form', bottom=None):
    "Clip from the top of the tab content to bottom (or the element end)"
    box = shots.tab.locator(selector).first.bounding_box()
    top = max(shots.tab.bounding_box()['y'] - 4, 0)
    end = bottom if bottom is not None else box['y'] + box['height'] + 8
    end = min(end, VIEWPORT['height'])
    return {'x': 0, 'y': top, 'width': VIEWPORT['width'],
        'height': end - top}


# ---------------------------------------------------------------- reports
def print_menu(page, shots, label):
    "Open the print menu of the tab; return its item label"
    shots.settle()
    shots.toolbar('print')
    time.sleep(0.5)
    return shots.tab.locator('.dropdown-menu a', has_text=label).first


def download(page, shots, click, path):
    "Click and save the report downloaded to path"
    with page.expect_download(timeout=60000) as info:
        click()
    info.value.save_as(path)
    shots.idle()
    return path


def rasterise(pdf, png, resolution=100):
    "The first page of pdf as the image png (pdftoppm)"
    subprocess.run(['pdftoppm', '-r', str(resolution), '-png', '-f', '1',
            '-l', '1', '-singlefile', pdf, png.with_suffix('')], check=True)
    log(f"  {shown(png)}")
    return png
