# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Drive the sao web client in a headless Chromium with Selenium, for the
browser tests of tests/test_ui_vietnamese.py.

``chromium(language)`` starts the system Chromium (/usr/bin/chromium and
/usr/bin/chromedriver, installed by bin/test) whose browser language is
language; ``Sao`` logs in, waits for sao to be idle, opens the menu, tabs,
dialogs and dropdowns, and reads the strings the page shows (``strings``:
ui_strings.COLLECT_JS).
"""
import contextlib
import shutil
import time

from ui_strings import COLLECT_JS

IDLE_JS = """
return !!(window.jQuery && window.Sao) && jQuery.active === 0
    && !jQuery('#processing').is(':visible')
    && !jQuery('.modal.fade:not(.in):visible').length;
"""


def need(tool):
    path = shutil.which(tool)
    assert path, f"{tool} is missing: bin/test installs it"
    return path


@contextlib.contextmanager
def chromium(language='vi', width=1280, height=800):
    "A headless Chromium whose browser language is language"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = need('chromium')
    for argument in [
            '--headless', '--no-sandbox', '--disable-gpu',
            '--disable-background-networking', '--disable-component-update',
            '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
            f'--window-size={width},{height}', f'--lang={language}']:
        options.add_argument(argument)
    options.add_experimental_option(
        'prefs', {'intl.accept_languages': language})
    driver = webdriver.Chrome(
        service=Service(need('chromedriver')), options=options)
    driver.set_window_size(width, height)
    try:
        yield driver
    finally:
        driver.quit()


class Sao:
    """sao of server in driver; seen collects (screen, kind, text, where)
    of every string read"""

    def __init__(self, driver, server):
        self.driver = driver
        self.server = server
        self.seen = []

    # --- waiting and reading ---------------------------------------------
    def wait(self, condition, timeout=30, message=None):
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.driver, timeout).until(
            condition, message=message)

    def idle(self, pause=0.4):
        "Wait until sao has no request running and no dialog moving"
        self.wait(lambda d: d.execute_script(IDLE_JS),
            message="sao stays busy")
        time.sleep(pause)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def read(self, screen):
        "Collect the strings the page shows now, as seen on screen"
        self.idle()
        rows = self.js(COLLECT_JS)
        self.seen.extend((screen, *row) for row in rows)
        return rows

    def find(self, css, visible=True):
        from selenium.webdriver.common.by import By
        elements = self.driver.find_elements(By.CSS_SELECTOR, css)
        if visible:
            elements = [e for e in elements if e.is_displayed()]
        return elements

    def one(self, css, timeout=30):
        "The first visible element matching css (waiting for it)"
        return self.wait(lambda d: (self.find(css) or [None])[0],
            timeout=timeout, message=f"nothing visible matches {css}")

    def click(self, css):
        self.press(self.one(css))

    def press(self, element):
        "Click element, scrolled into view (by script when covered)"
        from selenium.common.exceptions import (
            ElementClickInterceptedException)
        self.js("arguments[0].scrollIntoView({block: 'nearest'})", element)
        try:
            element.click()
        except ElementClickInterceptedException:
            self.js("arguments[0].click()", element)
        self.idle()

    def screenshot(self, path):
        self.driver.save_screenshot(str(path))

    # --- session -----------------------------------------------------------
    def open_login(self):
        "Open sao on the server's database: its login dialog"
        self.driver.get(f'{self.server.url}/#{self.server.database}')
        self.one('.login-dialog #login')
        self.idle()

    def login(self, login, password, on_dialogs=None):
        """Log in; on_dialogs(step) is called on the login dialog ('login')
        and on the password dialog ('password')"""
        self.open_login()
        if on_dialogs:
            on_dialogs('login')
        self.one('.login-dialog #login').send_keys(login)
        self.click('.login-dialog button[type=submit]')
        field = self.one('.modal.in input[type=password]')
        if on_dialogs:
            on_dialogs('password')
        field.send_keys(password + '\n')
        self.wait(lambda d: d.execute_script(
                "return jQuery('#menu tbody tr').length > 0"),
            message="the menu did not show after the login")
        self.idle()

    def logout(self):
        self.driver.get('about:blank')
        self.driver.delete_all_cookies()

    # --- menu ----------------------------------------------------------------
    def expand_menu(self):
        """Expand every entry of the menu tree (through sao's tree rows:
        a click on the expander of a row redrawn meanwhile would fold it)"""
        for _ in range(200):
            expanded = self.js("""
                function expand(rows) {
                    for (const row of rows) {
                        if (row.expander && !row.is_expanded()
                                && row.expander.css('visibility')
                                    === 'visible') {
                            row.expand_row();
                            return true;
                        }
                        if (expand(row.rows || [])) {
                            return true;
                        }
                    }
                    return false;
                }
                return expand(Sao.main_menu_screen.current_view.rows);""")
            self.idle(0.2)
            if not expanded:
                return
        raise AssertionError("the menu tree does not end")

    LEAF_CELLS_JS = """
        return Array.from(document.querySelectorAll('#menu tbody tr'))
            .filter((row) => {
                const expander = row.querySelector('.expander');
                return !expander || getComputedStyle(expander).visibility
                    !== 'visible';
            })
            .map((row) => row.querySelector('.column-char'));"""

    def menu_leaves(self):
        "The labels of the entries of the menu without children, in order"
        return [cell.text.strip() for cell in self.js(self.LEAF_CELLS_JS)]

    def open_menu(self, label, index=0):
        "Open the index-th entry without children of the menu labelled label"
        cells = [c for c in self.js(self.LEAF_CELLS_JS)
            if c.text.strip() == label]
        self.press(cells[index])

    # --- tabs ----------------------------------------------------------------
    @property
    def tab(self):
        return '#tabcontent > .tab-pane.active'

    def wait_tab(self, count):
        self.wait(lambda d: d.execute_script(
                "return jQuery('#tablist > li').length") >= count,
            message="no tab opened")
        self.idle()

    def tab_count(self):
        return self.js("return jQuery('#tablist > li').length")

    def close_tabs(self, screen=None):
        """Close every tab; a modified record is not saved (the question
        is read as seen on screen when given)"""
        for _ in range(20):
            close = self.find('#tablist li.active .close')
            if not close:
                break
            self.press(close[0])
            no = self.find('.modal.in .modal-footer .btn-default')
            if no:
                if screen:
                    self.read(f'{screen}: close')
                self.press(no[0])
        assert not self.tab_count(), "a tab does not close"

    def answer_dialogs(self):
        "Close the dialogs left open, by their Cancel button (or Escape)"
        for _ in range(5):
            dialogs = self.find('.modal.in')
            if not dialogs:
                return
            cancel = self.find('.modal.in .modal-footer .btn-link')
            if cancel:
                self.press(cancel[-1])
            else:
                from selenium.webdriver.common.keys import Keys
                dialogs[-1].send_keys(Keys.ESCAPE)
                self.idle()

    def toolbar(self, button_id):
        self.click(f'{self.tab} .toolbar button#{button_id}')

    def tab_menu(self):
        "Open the dropdown menu of the tab's title (all its actions)"
        self.click(f'{self.tab} .toolbar .navbar-brand.dropdown-toggle')

    def tab_menu_item(self, item_id):
        self.tab_menu()
        self.click(f'{self.tab} .toolbar .dropdown-menu a#{item_id}')

    def list_rows(self):
        return self.find(f'{self.tab} .treeview tbody tr')

    def open_first_row(self):
        "Open the first record of the list in its form"
        from selenium.webdriver.common.action_chains import ActionChains
        row = self.wait(lambda d: (self.list_rows() or [None])[0],
            message="the list is empty")
        ActionChains(self.driver).double_click(row).perform()
        self.one(f'{self.tab} .form')
        self.idle()

    def form_pages(self):
        "The labels of the notebook pages of the form"
        return [a.text for a in self.find(f'{self.tab} .form .nav-tabs a')]

    def open_form_page(self, index):
        self.press(self.find(f'{self.tab} .form .nav-tabs a')[index])
