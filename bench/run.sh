#!/usr/bin/env bash
# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
#
# bench/run.sh BENCHMARK [OPTIONS]: bench/BENCHMARK.py with the project's
# virtualenv, after installing what it needs when it is missing, saying so:
#   every benchmark  .venv with the project (bin/lib.sh ensure_venv);
#                    psycopg, and the local PostgreSQL cluster started when
#                    it does not answer (by the script itself)
#   survey_load      gunicorn (the "production" extra; the "test" extra has
#                    it too) and wrk (Debian); without apt-get or root the
#                    Python load generator is used (it says so)
#   return_result    Pango and the DejaVu fonts for WeasyPrint (Debian)
# Examples:
#   bench/run.sh survey_load --cases ping,sql,post --duration 20
#   bench/run.sh return_result --dossiers 40
#   bench/run.sh scorecard --answers 100000
set -euo pipefail
. "$(dirname "$0")/../bin/lib.sh"
name=${1:-}
[ -n "$name" ] && [ -f "$ROOT/bench/$name.py" ] && [ "$name" != benchlib ] \
    && [ "$name" != trivial_app ] \
    || die "usage: bench/run.sh scorecard|survey_load|return_result|memory [options]"
shift
ensure_venv  # any extras already installed will do
case $name in
    survey_load)
        if ! "$VENV/bin/python" -c 'import gunicorn' 2>/dev/null; then
            log "gunicorn is missing: installing the 'production' extra"
            ensure_venv production
        fi
        if ! command -v wrk >/dev/null; then
            log "wrk is missing: installing the Debian package wrk"
            # in a subshell: apt_install exits on failure
            (apt_install wrk) || warn "wrk not installed: Python load generator"
        fi
        ;;
    return_result)
        ensure_runtime_packages
        ;;
esac
exec "$VENV/bin/python" "$ROOT/bench/$name.py" "$@"
