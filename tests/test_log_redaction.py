# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Survey tokens never reach a log line (one_stop_tools.logs, etc/logging.conf)"
import io
import logging
import logging.config
import os
import sys

from one_stop_tools.logs import TokenRedactingFormatter, redact

TOKEN = 'QM0CYWGq4Qtfc2sKFKlLYx'
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_redact():
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
        assert redact(line) == expected


def test_formatter_redacts_message_args_and_traceback():
    formatter = TokenRedactingFormatter('%(name)s %(message)s')
    record = logging.LogRecord(
        'trytond.wsgi', logging.INFO, __file__, 1, '%s in %i ms',
        (f'/db/s/{TOKEN}', 4), None)
    assert formatter.format(record) == 'trytond.wsgi /db/s/<token> in 4 ms'
    try:
        raise ValueError(f'bad path /db/s/{TOKEN}/form')
    except ValueError:
        record = logging.LogRecord(
            'werkzeug', logging.ERROR, __file__, 1, 'failed', (),
            sys.exc_info())
    text = formatter.format(record)
    assert 'ValueError: bad path /db/s/<token>/form' in text
    assert TOKEN not in text


def test_logging_conf_installs_the_formatter():
    "etc/logging.conf, as trytond --logconf reads it"
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logging.config.fileConfig(
            os.path.join(ROOT, 'etc', 'logging.conf'),
            disable_existing_loggers=False)
        handler, = root.handlers
        assert isinstance(handler.formatter, TokenRedactingFormatter)
        stream = io.StringIO()
        handler.setStream(stream)
        logging.getLogger('trytond.wsgi').warning(
            "<Request 'http://h/db/s/%s' [POST]> in 9 ms", TOKEN)
        line = stream.getvalue()
        assert "/db/s/<token>' [POST]> in 9 ms" in line
        assert TOKEN not in line
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
