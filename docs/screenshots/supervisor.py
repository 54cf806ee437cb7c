#!/usr/bin/env python3
"""Screenshots of docs/supervisor-guide.md: the supervisor ``giamsat`` of
a running demo (``./bin/demo``) opens the supervisor's dashboard and the
received-time correction of a dossier; writes docs/img/supervisor-*.png.

Usage: .venv/bin/python docs/screenshots/supervisor.py [--url URL]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    PASSWORD, ROOT, EvaluatorShots, failure_screenshot, hide_menu, log,
    menu, report_sizes, sao_browser, sign_in)

SUPERVISOR = 'giamsat'


def main():
    url = 'http://localhost:8000/'
    if '--url' in sys.argv:
        url = sys.argv[sys.argv.index('--url') + 1]
    out = ROOT / 'docs' / 'img'
    with sao_browser('/usr/bin/chromium') as (browser, page, errors):
        shots = EvaluatorShots(page, out)
        with failure_screenshot(page, Path('/tmp/supervisor-failed.png'),
                errors):
            sign_in(page, url, 'demo', SUPERVISOR, PASSWORD)
            page.wait_for_selector('#menu tbody tr', state='visible')
            shots.idle(1)
            menu(page, shots, 'Một cửa', 'Giám sát',
                'Bảng điều hành của lãnh đạo')
            shots.tab.locator('.form').first.wait_for(state='visible')
            shots.idle(2)
            hide_menu(page, shots)
            shots.idle(1)
            shots.shot('supervisor-dashboard.png')
    report_sizes(shots.taken)
    log("done")


if __name__ == '__main__':
    main()
