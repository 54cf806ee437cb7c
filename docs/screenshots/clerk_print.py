#!/usr/bin/env python3
"""Clicks from a new dossier to both receipts in hand, counted in a real
Chromium driving the sao web client (Vietnamese), and the screenshots of
docs/clerk-return-and-print.md (``docs/img/clerk-print-*.png``).

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python docs/screenshots/clerk_print.py             # after
    .venv/bin/python docs/screenshots/clerk_print.py --dialog    # after,
        # with the browser's print dialog (needs Xvfb: a dialog is a window)
    .venv/bin/python docs/screenshots/clerk_print.py --before \\
        --addons /tmp/before/addons     # the code of commit 4bda2a1

It builds a private SQLite demo (common.PrivateDemo: one_stop and
public_satisfaction, Vietnamese, one-stop-demo) and, as the clerk
``canbo`` at the Centre's counter 1, from the open dossier list:

- after (default): New, the applicant, the procedure, "In Mẫu 01" (the
  dossier is saved and Form 01 opens in a new tab, which prints it), then
  "Chuyển xử lý", "Đã có kết quả", "Trả kết quả" (the result receipt opens
  in a new tab and prints).  By default the counter prints directly:
  Chromium runs headless with --kiosk-printing and the counter has
  "In trực tiếp", so each page sends the receipt to the printer and closes
  itself; with --dialog the browser shows its print dialog: its "In" and
  the closing of the receipt's tab are counted, one each;
- before: New, applicant, procedure, Save, the print menu and "Mẫu 01",
  then the three buttons; each receipt arrives as a download, and what the
  browser then asks (open the file, the viewer's print button, "In") is
  counted without being clicked: three per receipt.

Every click on the page is made by Selenium and counted; selecting the
applicant and the procedure in their drop-down is one click each (the
typing is not counted).  The counts are printed at the end.
Needs /usr/bin/chromium and /usr/bin/chromedriver.
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import (  # noqa: E402
    APPLICANT, LOGIN, PASSWORD, PROCEDURE, ROOT, SURVEY_MODULES,
    PrivateDemo, argument_parser, log, report_sizes)

SAO_BUILT = ROOT / 'var' / 'sao-root'


def parse_args(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument('--dialog', action='store_true',
        help="the browser's print dialog (headful Chromium under Xvfb)")
    parser.add_argument('--before', action='store_true',
        help="the flow before the change (give its modules with --addons)")
    parser.add_argument('--addons', type=Path,
        help="load the trytond modules of this directory first")
    parser.add_argument('--no-shots', dest='shots', action='store_false')
    return parser.parse_args(argv)


class OldModulesDemo(PrivateDemo):
    "The demo with the modules of a directory loaded first (--addons)"

    def __init__(self, addons, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.addons = addons

    def __enter__(self):
        venv = self.venv
        self.venv = self.dir / 'venv'
        (self.venv / 'bin').mkdir(parents=True)
        python = venv / 'bin' / 'python'
        mains = {
            'trytond-admin': 'from trytond.cli.admin import main',
            'trytond': 'from trytond.cli import main',
            'one-stop-demo': 'from one_stop_tools.demo import main',
            }
        for name, main in mains.items():
            script = self.venv / 'bin' / name
            script.write_text(
                f'#!{python}\nimport sys, trytond.modules\n'
                f'trytond.modules.__path__.insert(0, {str(self.addons)!r})\n'
                f'{main}\nsys.exit(main())\n')
            script.chmod(0o755)
        return super().__enter__()


class Clerk:
    "The clerk's browser: every click counted under its label"

    def __init__(self, driver, out, shots):
        self.driver = driver
        self.out = out
        self.take_shots = shots
        self.clicks = []
        self.taken = []

    def count(self, label, browser=False):
        self.clicks.append((label, browser))
        log(f"  click {len(self.clicks):2d}: {label}"
            + (" (browser)" if browser else ""))

    def find(self, css, timeout=30):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.driver, timeout).until(
            ec.element_to_be_clickable((By.CSS_SELECTOR, css)))

    def idle(self, pause=0.6):
        from selenium.webdriver.support.ui import WebDriverWait
        time.sleep(0.2)
        WebDriverWait(self.driver, 60).until(lambda d: d.execute_script(
                "return !window.jQuery || "
                "!jQuery('#processing').is(':visible')"))
        time.sleep(pause)

    def click(self, css, label, counted=True):
        self.find(css).click()
        if counted:
            self.count(label)
        self.idle()

    TAB = '#tabcontent > .tab-pane.active'

    def many2one(self, name, text, label):
        field = self.find(f'{self.TAB} .form input[name="{name}"]')
        field.click()
        for char in text:
            field.send_keys(char)
            time.sleep(0.03)
        self.click(
            f'{self.TAB} .form input[name="{name}"] ~ ul.dropdown-menu '
            'li:not(.dropdown-header) a, '
            f'{self.TAB} .form .dropdown:has(input[name="{name}"]) '
            'ul.dropdown-menu li:not(.dropdown-header) a', label)

    def button(self, name, label):
        self.click(f'{self.TAB} .form button[name="{name}"]', label)

    def shot(self, name):
        if not self.take_shots:
            return
        path = self.out / name
        self.driver.save_screenshot(str(path))
        self.taken.append(path)
        log(f"  {common.shown(path)}")

    def receipt_tab(self, name, dialog):
        """The tab the button opened: shot, then printed (direct: it closes
        itself; dialog: "In" and the closing of the tab, counted)"""
        driver = self.driver
        sao = driver.current_window_handle
        deadline = time.monotonic() + 30
        opened = set()
        while not opened:
            opened = set(driver.window_handles) - {sao}
            if not opened and time.monotonic() > deadline:
                raise RuntimeError("no tab opened for the receipt")
            time.sleep(0.05)
        tab, = opened
        try:
            driver.switch_to.window(tab)
        except Exception:
            # printed directly and closed before it could be looked at
            log(f"  {name}: the tab printed and closed itself at once")
            driver.switch_to.window(sao)
            self.idle()
            return
        # no shot of the tab: headless Chromium's PDF viewer shows no page
        time.sleep(1.5)
        if dialog:
            # the print dialog is one more window of the browser
            deadline = time.monotonic() + 15
            while len(driver.window_handles) < 3:
                if time.monotonic() > deadline:
                    raise RuntimeError("the print dialog did not open")
                time.sleep(0.2)
            self.count("In (the print dialog)", browser=True)
            driver.close()
            self.count("close the receipt's tab", browser=True)
        else:
            deadline = time.monotonic() + 20
            while tab in driver.window_handles:
                if time.monotonic() > deadline:
                    raise RuntimeError("the receipt's tab did not close")
                time.sleep(0.2)
        driver.switch_to.window(sao)
        self.idle()


def start_browser(args, download_dir):
    from selenium import webdriver
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for arg in [*common.CHROMIUM_ARGS, '--window-size=1280,900',
            '--lang=vi-VN']:
        options.add_argument(arg)
    if not args.dialog:
        options.add_argument('--headless=new')
        options.add_argument('--kiosk-printing')
    options.add_experimental_option('prefs', {
            'intl.accept_languages': 'vi-VN,vi',
            'download.default_directory': str(download_dir),
            'download.prompt_for_download': False,
            })
    service = webdriver.ChromeService(executable_path='/usr/bin/chromedriver')
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_window_size(*common.VIEWPORT.values())
    return driver


def sign_in(clerk, url, database):
    driver = clerk.driver
    driver.get(f'{url}#{database}')
    clerk.find('#login').send_keys(LOGIN)
    clerk.find('.login-dialog button[type=submit]').click()
    clerk.find('.modal.in input[type=password]').send_keys(PASSWORD + '\n')
    clerk.find('#menu tbody tr', timeout=60)
    clerk.idle(1)


def open_dossiers(clerk):
    "Một cửa (expanded by its expander), then Hồ sơ (opened by a click)"
    from selenium.webdriver.common.by import By
    driver = clerk.driver
    for label, expand in [("Một cửa", True), ("Hồ sơ", False)]:
        row = [r for r in driver.find_elements(By.CSS_SELECTOR,
                '#menu tbody tr')
            if r.is_displayed() and r.find_elements(
                By.CSS_SELECTOR, '.column-char')
            and r.find_element(By.CSS_SELECTOR, '.column-char').text.strip()
            == label][0]
        if expand:
            row.find_element(By.CSS_SELECTOR, '.expander').click()
        else:
            row.find_element(By.CSS_SELECTOR, '.column-char').click()
        clerk.idle(1)
    clerk.find(f'{clerk.TAB} .treeview tbody tr')
    clerk.idle(1)


def direct_printing(db_file):
    "The counter of canbo prints directly (what its administrator sets)"
    connection = sqlite3.connect(db_file)
    with connection:
        connection.execute(
            'UPDATE one_stop_counter SET direct_print = 1 WHERE id = ('
            'SELECT one_stop_counter FROM res_user WHERE login = ?)',
            (LOGIN,))
    connection.close()


def after(clerk, dialog):
    clerk.click(f'{clerk.TAB} button#new_', "Tạo mới (toolbar)")
    clerk.many2one('applicant', APPLICANT, "Người nộp: chọn trong danh sách")
    clerk.many2one('procedure', PROCEDURE, "Thủ tục: chọn trong danh sách")
    clerk.shot('clerk-print-new.png')
    clerk.button('print_intake_receipt', "In Mẫu 01")
    clerk.receipt_tab('clerk-print-form01.png', dialog)
    clerk.shot('clerk-print-received.png')
    clerk.button('process', "Chuyển xử lý")
    clerk.button('mark_ready', "Đã có kết quả")
    clerk.button('return_result', "Trả kết quả")
    clerk.receipt_tab('clerk-print-result.png', dialog)
    clerk.shot('clerk-print-returned.png')


def before(clerk, download_dir):
    def downloaded(label):
        deadline = time.monotonic() + 60
        while not list(download_dir.glob('*.pdf')):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{label}: nothing downloaded")
            time.sleep(0.3)
        for pdf in download_dir.glob('*.pdf'):
            pdf.unlink()
        for step in ["open the downloaded file", "the viewer's print button",
                "In (the print dialog)"]:
            clerk.count(f"{label}: {step}", browser=True)
        # sao's download dialog closes itself
        clerk.idle()

    clerk.click(f'{clerk.TAB} button#new_', "Tạo mới (toolbar)")
    clerk.many2one('applicant', APPLICANT, "Người nộp: chọn trong danh sách")
    clerk.many2one('procedure', PROCEDURE, "Thủ tục: chọn trong danh sách")
    clerk.click(f'{clerk.TAB} button#save', "Lưu (toolbar)")
    clerk.click(f'{clerk.TAB} button#print', "In (toolbar)")
    clerk.click(f'{clerk.TAB} .dropdown-menu.show a, '
        f'{clerk.TAB} .open .dropdown-menu a', "Mẫu 01 (menu)")
    downloaded("Mẫu 01")
    clerk.button('process', "Chuyển xử lý")
    clerk.button('mark_ready', "Đã có kết quả")
    clerk.button('return_result', "Trả kết quả")
    downloaded("Phiếu trả kết quả")


def main():
    args = parse_args()
    if SAO_BUILT.exists():
        # the client with the project's translations (bin/lib.sh builds it)
        common.SAO_ROOT = SAO_BUILT
    xvfb = None
    if args.dialog and not os.environ.get('DISPLAY'):
        if not shutil.which('Xvfb'):
            raise SystemExit("--dialog needs Xvfb (apt-get install xvfb)")
        xvfb = subprocess.Popen(['Xvfb', ':97', '-screen', '0',
                '1280x900x24'], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.environ['DISPLAY'] = ':97'
        time.sleep(1)
    demo = (OldModulesDemo(args.addons.resolve(), args.venv, args.keep,
            modules=SURVEY_MODULES) if args.addons
        else PrivateDemo(args.venv, args.keep, modules=SURVEY_MODULES))
    download_dir = Path(tempfile.mkdtemp(prefix='clerk-print-'))
    try:
        with demo:
            if not args.before and not args.dialog:
                direct_printing(demo.db_file)
            driver = start_browser(args, download_dir)
            clerk = Clerk(driver, args.out,
                args.shots and not args.before and not args.dialog)
            try:
                sign_in(clerk, demo.url, 'demo')
                open_dossiers(clerk)
                log("counting from the dossier list:")
                if args.before:
                    before(clerk, download_dir)
                else:
                    after(clerk, args.dialog)
            except Exception:
                failed = Path(tempfile.gettempdir()) / 'clerk-print-FAILED.png'
                driver.save_screenshot(str(failed))
                log(f"failed: see {failed}")
                raise
            finally:
                driver.quit()
    finally:
        shutil.rmtree(download_dir, ignore_errors=True)
        if xvfb:
            xvfb.terminate()
    browser = sum(1 for _, b in clerk.clicks if b)
    mode = ('before' if args.before else 'after, print dialog' if args.dialog
        else 'after, direct printing')
    log(f"== {mode}: {len(clerk.clicks)} clicks from a new dossier to both "
        f"receipts in hand, {browser} of them in the browser's own "
        "download, viewer or print dialogs")
    report_sizes(clerk.taken)


if __name__ == '__main__':
    main()
