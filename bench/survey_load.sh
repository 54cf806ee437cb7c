#!/usr/bin/env bash
# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
#
# bench/survey_load.py with its load generator: installs what it needs
# when it is missing (the project's virtualenv with gunicorn, the
# "production" extra; wrk from Debian), then runs the benchmark.
#     bench/survey_load.sh [--invitations 30000] [--workers 4] ...
# Without apt-get or root, the Python load generator of survey_load.py is
# used instead (it says so in its output).
set -euo pipefail
. "$(dirname "$0")/../bin/lib.sh"
ensure_venv production
if ! command -v wrk >/dev/null; then
    # in a subshell: apt_install exits on failure
    (apt_install wrk) || warn "wrk not installed: Python load generator"
fi
exec "$VENV/bin/python" "$ROOT/bench/survey_load.py" "$@"
