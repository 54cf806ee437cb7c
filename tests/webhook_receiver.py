# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""A webhook receiver of an external platform, run as a process of its own
on loopback by tests/test_api_http.py.

    python webhook_receiver.py <port file> <log file> <failures> <secret>

It listens on 127.0.0.1 (a free port, written to the port file), answers
the first <failures> POSTs 500 and the next ones 200, and appends one JSON
line per request to the log: its delivery id, event, status answered,
whether the signature (signing.py's scheme, checked here independently)
was valid, and the body.
"""
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


def main():
    port_file, log_file, failures, secret = sys.argv[1:5]
    state = {'left': int(failures)}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers['Content-Length'] or 0))
            timestamp = self.headers.get('X-Satisfaction-Timestamp', '')
            expected = 'sha256=' + hmac.new(
                secret.encode(), timestamp.encode() + b'.' + body,
                hashlib.sha256).hexdigest()
            valid = hmac.compare_digest(
                expected, self.headers.get('X-Satisfaction-Signature', ''))
            with lock:
                status = 500 if state['left'] > 0 else 200
                state['left'] -= 1
                with open(log_file, 'a') as log:
                    log.write(json.dumps({
                                'delivery': self.headers.get(
                                    'X-Satisfaction-Delivery'),
                                'event': self.headers.get(
                                    'X-Satisfaction-Event'),
                                'status': status,
                                'valid': valid,
                                'timestamp': timestamp,
                                'received': time.time(),
                                'body': body.decode(),
                                }) + '\n')
            self.send_response(status)
            self.send_header('Content-Length', '0')
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(('127.0.0.1', 0), Handler)
    with open(port_file + '.tmp', 'w') as fp:
        fp.write(str(server.server_address[1]))
    import os
    os.replace(port_file + '.tmp', port_file)
    server.serve_forever()


if __name__ == '__main__':
    main()
