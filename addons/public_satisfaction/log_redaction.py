# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Survey tokens never reach a log line.

A token in a log would let whoever reads the logs answer in the citizen's
place.  The request lines of trytond ("<Request 'http://…/db/s/TOKEN'
[GET]> in 12 ms"), of its development server (werkzeug) and of gunicorn
carry the path: a filter on those loggers rewrites /s/<token> as
/s/<token redacted> before any handler sees the record.
"""
import logging
import re

REDACTED = '<token>'
TOKEN_IN_PATH = re.compile(r'(/s/)[^/?#\s\'"\]<>]+')
LOGGERS = (
    'trytond.wsgi', 'trytond.protocols.wrappers', 'werkzeug',
    'gunicorn.access', 'gunicorn.error')


def redact(text):
    "Return text with every survey token of a /s/ path replaced"
    return TOKEN_IN_PATH.sub(r'\1' + REDACTED, text)


class TokenRedactingFilter(logging.Filter):
    "Rewrite the message of records that carry a survey path"

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


FILTER = TokenRedactingFilter()


def install(names=LOGGERS):
    for name in names:
        logger = logging.getLogger(name)
        if FILTER not in logger.filters:
            logger.addFilter(FILTER)
