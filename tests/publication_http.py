# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Plain HTTP to the public results, and the tables of their pages.

``get(server, path, headers)`` answers (status, headers, body) without
decompressing; ``tables(html)`` gives {caption id: rows of cell texts} of
the tables of a page (header row included).
"""
import http.client
import re
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser

_SPACES = re.compile('[ \t\r\n]+')


def _clean(parts):
    "The text of parts, its spaces (not the no-break ones) collapsed"
    return _SPACES.sub(' ', ''.join(parts)).strip()


@dataclass
class Answer:
    status: int
    headers: dict  # lower-case names
    body: bytes

    @property
    def text(self):
        return self.body.decode('utf-8')


def get(server, path, headers=None, method='GET'):
    "GET /<database>/ket-qua<path> (path starts with '/' or '?' or is '')"
    url = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port,
        timeout=60)
    try:
        connection.request(method, f'/{server.database}/ket-qua{path}',
            headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status,
            {k.lower(): v for k, v in response.getheaders()},
            response.read())
    finally:
        connection.close()


class _Tables(HTMLParser):

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = {}
        self._rows = None
        self._caption = None
        self._cell = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'table':
            self._rows, self._caption = [], None
        elif tag == 'caption':
            self._caption = attrs.get('id')
        elif tag == 'tr' and self._rows is not None:
            self._rows.append([])
        elif tag in {'td', 'th'} and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in {'td', 'th'} and self._cell is not None:
            self._rows[-1].append(_clean(self._cell))
            self._cell = None
        elif tag == 'table' and self._rows is not None:
            self.tables[self._caption] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html):
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def facts(html):
    "The (dt, dd) texts of the page's facts"
    class Facts(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.pairs, self.current, self.tag = [], None, None

        def handle_starttag(self, tag, attrs):
            if tag in {'dt', 'dd'}:
                self.tag, self.current = tag, []

        def handle_endtag(self, tag):
            if tag == self.tag:
                text = _clean(self.current)
                if tag == 'dt':
                    self.pairs.append([text, None])
                else:
                    self.pairs[-1][1] = text
                self.tag = None

        def handle_data(self, data):
            if self.tag:
                self.current.append(data)
    parser = Facts()
    parser.feed(html)
    return [tuple(p) for p in parser.pairs]
