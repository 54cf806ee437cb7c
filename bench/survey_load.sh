#!/usr/bin/env bash
# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
#
# bench/survey_load.py with what it needs (gunicorn, wrk), installed when
# missing: the same as bench/run.sh survey_load.
#     bench/survey_load.sh [--invitations 80000] [--workers 4] ...
exec "$(dirname "$0")/run.sh" survey_load "$@"
