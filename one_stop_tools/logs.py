# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Survey tokens never reach a log line.

A token in a log would let whoever reads the logs answer in the citizen's
place.  The request lines of trytond ("<Request 'http://…/db/s/TOKEN'
[GET]> in 12 ms"), of its development server (werkzeug) and of gunicorn
carry the path: this formatter, named in the logging configuration
(etc/logging.conf for trytond, the one bin/production writes for
gunicorn), rewrites /s/<token> as /s/<token> before any line is written,
tracebacks included.

It lives outside the modules on purpose: a logging configuration is read
before trytond's own configuration, and importing a module then would set
up trytond's WSGI application without it.
"""
import logging
import re

REDACTED = '<token>'
TOKEN_IN_PATH = re.compile(r'(/s/)[^/?#\s\'"\]<>]+')


def redact(text):
    "Return text with every survey token of a /s/ path replaced"
    return TOKEN_IN_PATH.sub(r'\1' + REDACTED, text)


class TokenRedactingFormatter(logging.Formatter):
    "A logging.Formatter whose lines carry no survey token"

    def format(self, record):
        return redact(super().format(record))
