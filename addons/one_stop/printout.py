# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Receipts made in the button's transaction and opened ready to print.

sao 8.0 does not print directly (``Sao.Action.exec_report`` downloads every
report: "TODO direct print"), and a report action returned by a button costs
the client two more requests (the action, then the report, made in a second
transaction).  So a button that prints answers, over HTTP, with an
``ir.action.url``: the report is made in the button's own transaction and
kept, with the page that shows and prints it, under a random token for a few
minutes; the client opens the URL in a new tab, whose page shows the PDF and
opens the browser's print dialog at once (or prints silently where the
browser is set to, e.g. Chromium's --kiosk-printing, and then closes itself
when the counter says so: ``direct_print``).  The page is served
once (the route deletes it) and expires unopened after VALIDITY.

Only interactive clients get it: a call over HTTP whose context has the
``client`` key, the id of the client's bus that sao (and the desktop
client) always send.  Called from the ORM or by a script over RPC,
``Printout.open_report`` gives the report action as before.
"""
import base64
import datetime as dt
import hashlib
import html
import secrets

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .localtime import utcnow

VALIDITY = dt.timedelta(minutes=5)
PATH = 'one_stop/print'

PAGE = '''<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; font-family: sans-serif; }}
body {{ display: flex; flex-direction: column; }}
p {{ margin: 0; padding: .5em 1em; background: #fff3cd; }}
iframe {{ flex: 1; border: 0; width: 100%; }}
</style>
</head>
<body>
<noscript><p>{no_script}</p></noscript>
<p id="help" hidden>{help}</p>
<iframe id="document" title="{title}"></iframe>
<script nonce="{nonce}">
(function () {{
  var raw = atob("{data}");
  var bytes = new Uint8Array(raw.length);
  for (var i = 0; i < raw.length; i++) {{ bytes[i] = raw.charCodeAt(i); }}
  var frame = document.getElementById("document");
  frame.addEventListener("load", function () {{
    // the PDF viewer needs a moment before it can print
    setTimeout(function () {{
      try {{
        frame.contentWindow.focus();
        frame.contentWindow.print();
      }} catch (error) {{
        document.getElementById("help").hidden = false;
        return;
      }}
      // the counter's browser prints without asking: back to the client
      // once the document is sent
      if ({close}) {{ setTimeout(function () {{ window.close(); }}, 3000); }}
    }}, 300);
  }});
  frame.src = URL.createObjectURL(
    new Blob([bytes], {{type: "{mimetype}"}}));
}}());
</script>
</body>
</html>
'''


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def page_headers(nonce):
    "The headers of the printout page: nothing but its own script and PDF"
    return {
        'Content-Security-Policy': (
            "default-src 'none'; "
            f"script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
            "frame-src blob:; object-src blob:; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'"),
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
        }


class Printout(ModelSQL):
    __string__ = "Printout"
    __name__ = 'one_stop.printout'

    token_hash = fields.Char("Token Hash", required=True)
    name = fields.Char("Name", required=True)
    page = fields.Binary("Page", required=True)
    nonce = fields.Char("Nonce", required=True)
    expiry = fields.DateTime("Expiry", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.token_hash, Index.Equality(cardinality='high'))),
                Index(t, (t.expiry, Index.Range())),
                })

    @classmethod
    def open_report(cls, module, fs_id, records, data=None):
        """Return what a button answers to print the report module.fs_id of
        records: to an interactive client the URL of the page printing it
        (the report is made now, in this transaction), otherwise the report
        action"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        ActionReport = pool.get('ir.action.report')
        action_report_id = ModelData.get_id(module, fs_id)
        context = Transaction().context
        request = context.get('_request')
        if not (request and context.get('client')) or not records:
            return Action.get_action_id(action_report_id)
        action_report = ActionReport(action_report_id)
        Report = pool.get(action_report.report_name, type='report')
        ids = [r.id for r in records]
        report_data = {
            'action_id': action_report_id,
            'model': records[0].__name__,
            'id': ids[0],
            'ids': ids,
            **(data or {}),
            }
        extension, content, _, name = Report.execute(ids, report_data)
        token = cls.store(
            name, extension, bytes(content), close=cls.prints_directly())
        return {
            'type': 'ir.action.url',
            'name': name,
            'url': cls.url(token, request),
            }

    @classmethod
    def prints_directly(cls):
        "Whether the browser of the user's counter prints without asking"
        pool = Pool()
        User = pool.get('res.user')
        user_id = Transaction().user
        counter = User(user_id).one_stop_counter if user_id else None
        return bool(counter and counter.direct_print)

    @classmethod
    def store(cls, name, extension, content, close=False):
        """Keep the page of the report content under a new token; return it.
        close: the page closes itself once the document is sent to the
        printer"""
        token = secrets.token_urlsafe(24)
        nonce = secrets.token_urlsafe(12)
        mimetype = 'application/pdf' if extension == 'pdf' else (
            'application/octet-stream')
        language = Transaction().language or 'en'
        page = PAGE.format(
            lang=html.escape(language.split('_')[0]),
            title=html.escape(name),
            no_script=html.escape(gettext('one_stop.msg_printout_no_script')),
            help=html.escape(gettext('one_stop.msg_printout_help')),
            nonce=nonce,
            close='true' if close else 'false',
            mimetype=mimetype,
            data=base64.b64encode(content).decode('ascii'))
        now = utcnow()
        cls.prune(now)
        # one statement: nothing to validate, and the ORM would write the
        # binary page apart and read the row back
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.insert(
                [table.create_uid, table.create_date, table.token_hash,
                    table.name, table.page, table.nonce, table.expiry],
                [[Transaction().user, now, token_hash(token), name,
                        cls.page.sql_format(page.encode('utf-8')), nonce,
                        now + VALIDITY]]))
        return token

    @classmethod
    def prune(cls, now=None):
        "Delete the printouts never opened in time"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(
                where=table.expiry < (now or utcnow())))

    @classmethod
    def url(cls, token, request):
        database = Transaction().database.name
        path = f'/{database}/{PATH}/{token}'
        host = request.get('http_host')
        if not host:
            return path
        scheme = request.get('scheme') or 'http'
        root = (request.get('root_path') or '').rstrip('/')
        return f'{scheme}://{host}{root}{path}'

    @classmethod
    def take(cls, token):
        """Return (the page, its nonce) of token and forget it, or None when
        unknown or expired"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.id, table.page, table.nonce, table.expiry,
                where=table.token_hash == token_hash(token)))
        row = cursor.fetchone()
        if not row:
            return None
        id_, page, nonce, expiry = row
        cursor.execute(*table.delete(where=table.id == id_))
        if isinstance(expiry, str):
            expiry = dt.datetime.fromisoformat(expiry)
        if expiry < utcnow():
            return None
        return bytes(page), nonce
