# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
import io
import logging
import unittest

from trytond.modules.public_satisfaction.log_redaction import (
    TokenRedactingFilter, install, redact)

TOKEN = 'QM0CYWGq4Qtfc2sKFKlLYx'


class LogRedactionTestCase(unittest.TestCase):
    "Survey tokens never reach a log line"

    def test_redact(self):
        for line, expected in [
                (f"<Request 'http://h/demo/s/{TOKEN}' [GET]> in 3 ms",
                    "<Request 'http://h/demo/s/<token>' [GET]> in 3 ms"),
                (f'127.0.0.1 - - "POST /demo/s/{TOKEN}/form?lang=en '
                    'HTTP/1.1" 200 -',
                    '127.0.0.1 - - "POST /demo/s/<token>/form?lang=en '
                    'HTTP/1.1" 200 -'),
                ("GET /demo/p HTTP/1.1", "GET /demo/p HTTP/1.1"),
                ("POST /demo/rpc/ HTTP/1.1", "POST /demo/rpc/ HTTP/1.1"),
                ]:
            self.assertEqual(redact(line), expected)
            self.assertNotIn(TOKEN, redact(line))

    def test_filter_on_loggers(self):
        "Records of the request loggers are rewritten, args included"
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        install()
        for name in ['trytond.wsgi', 'werkzeug', 'gunicorn.access']:
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            old_level = logger.level
            logger.setLevel(logging.INFO)
            try:
                logger.info('%s in %i ms', f'/db/s/{TOKEN}', 4)
            finally:
                logger.removeHandler(handler)
                logger.setLevel(old_level)
        lines = stream.getvalue().splitlines()
        self.assertEqual(lines, ['/db/s/<token> in 4 ms'] * 3)

    def test_unformattable_record_kept(self):
        record = logging.LogRecord(
            'werkzeug', logging.INFO, __file__, 1, '%s %s', ('one',), None)
        self.assertTrue(TokenRedactingFilter().filter(record))
