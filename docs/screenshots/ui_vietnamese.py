"""Screenshots of sao in Vietnamese for docs/operator-guide.md.

Drives a running demo (``./bin/demo``, default http://localhost:8000/) as
the clerk ``canbo`` in a headless Chromium whose browser language is
Vietnamese, with Selenium (/usr/bin/chromium and /usr/bin/chromedriver, as
tests/test_ui_vietnamese.py), and writes to docs/img/:

- ``ui-vi-login.png``: the login dialog (before any login: the browser's
  language);
- ``ui-vi-dossiers.png``: the dossier list of the clerk;
- ``ui-vi-filters.png``: its filter dialog;
- ``ui-vi-party.png``: the form of the applicant of the first dossier.

Usage: .venv/bin/python docs/screenshots/ui_vietnamese.py [--url URL]
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'tests'))

from sao_driver import Sao, chromium  # noqa: E402

LOGIN, PASSWORD = 'canbo', 'motcua-2026'


class Demo:
    "What sao_driver.Sao needs of a server"

    def __init__(self, url, database):
        self.url = url.rstrip('/')
        self.database = database


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', default='http://localhost:8000/')
    parser.add_argument('--database', default='demo')
    parser.add_argument('--out', type=Path, default=ROOT / 'docs' / 'img')
    args = parser.parse_args()
    with chromium('vi', 1280, 800) as driver:
        sao = Sao(driver, Demo(args.url, args.database))
        # headless Chromium counts its window frame: make the page 1280x720
        driver.set_window_size(1280, 720 + driver.execute_script(
                'return window.outerHeight - window.innerHeight'))
        sao.open_login()
        sao.screenshot(args.out / 'ui-vi-login.png')
        sao.login(LOGIN, PASSWORD)
        sao.expand_menu()
        sao.open_menu(dossier_label(sao))
        sao.wait_tab(1)
        time.sleep(1)
        sao.screenshot(args.out / 'ui-vi-dossiers.png')
        sao.click(f'{sao.tab} .filter-box button.btn-link')
        sao.one('.modal.in .filter-window')
        sao.screenshot(args.out / 'ui-vi-filters.png')
        sao.answer_dialogs()
        sao.open_first_row()
        party = driver.execute_script("""
            return Sao.Tab.tabs.get_current().screen.current_record
                .field_get('applicant');""")
        sao.close_tabs()
        driver.execute_script("window.location.hash = arguments[0]",
            f'#{args.database}/model/party.party/{party}')
        sao.one(f'{sao.tab} .form')
        sao.idle(1)
        sao.screenshot(args.out / 'ui-vi-party.png')
    for name in ['login', 'dossiers', 'filters', 'party']:
        path = args.out / f'ui-vi-{name}.png'
        print(f"{path.stat().st_size // 1024:4d} KB  {path.relative_to(ROOT)}")


def dossier_label(sao):
    "The menu entry of the dossiers: the entry under Một cửa named Hồ sơ"
    leaves = sao.menu_leaves()
    assert "Hồ sơ" in leaves, leaves
    return "Hồ sơ"


if __name__ == '__main__':
    main()
