# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The reference client of the integration API (satisfaction_api): replay a
CSV of dossiers exported by an external one-stop platform through
``POST /<db>/api/v1/dossiers/bulk``, in batches, with a progress bar.

    one-stop-api-client --url http://127.0.0.1:8000 --database one_stop \\
        --key $ONE_STOP_API_KEY dossiers.csv

The CSV has a header line; its columns are the fields of a dossier of the
API (docs/integration.md): code, procedure, agency, counter, channel,
return_method, received, appointment, ready, returned, state, reason, and
clerk_id, clerk_name for the returning clerk.  Empty cells are left out.
A refused batch stops the replay (nothing of it is stored) and prints the
error; a 429 waits for Retry-After and sends the batch again.  The same CSV
can be replayed as often as needed: the upserts are idempotent.
"""
import argparse
import csv
import json
import os
import sys
import time
import urllib.error
import urllib.request

FIELDS = ('code', 'procedure', 'agency', 'counter', 'channel',
    'return_method', 'received', 'appointment', 'ready', 'returned',
    'state', 'reason')
MAX_BATCH = 1000


def dossier_of(row):
    "The API body of one CSV row"
    body = {name: row[name].strip() for name in FIELDS
        if (row.get(name) or '').strip()}
    clerk = {key: row[f'clerk_{key}'].strip() for key in ['id', 'name']
        if (row.get(f'clerk_{key}') or '').strip()}
    if clerk:
        body['returned_by'] = clerk
    return body


def read_csv(path):
    with open(path, newline='', encoding='utf-8-sig') as fp:
        return [dossier_of(row) for row in csv.DictReader(fp)]


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(status, body)
        self.status = status
        self.body = body

    def __str__(self):
        if isinstance(self.body, dict):
            return (f"{self.status} {self.body.get('code')}: "
                f"{self.body.get('message')} ({self.body.get('field')})")
        return f"{self.status}: {self.body!r}"


def post(url, key, body, timeout=600, sleep=time.sleep):
    "POST body as JSON with the key; return the decoded answer"
    data = json.dumps(body).encode()
    while True:
        request = urllib.request.Request(url, data=data, method='POST',
            headers={'Content-Type': 'application/json',
                'Authorization': f'Bearer {key}'})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = raw[:500]
            if error.code == 429:
                sleep(int(error.headers.get('Retry-After') or 1))
                continue
            raise ApiError(error.code, answer) from None


def replay(base_url, database, key, dossiers, batch=500, progress=True):
    """Send dossiers in batches; return the answers of the API in order"""
    from tqdm import tqdm
    url = f'{base_url.rstrip("/")}/{database}/api/v1/dossiers/bulk'
    answers = []
    with tqdm(total=len(dossiers), unit='dossier', disable=not progress,
            file=sys.stderr) as bar:
        for start in range(0, len(dossiers), batch):
            chunk = dossiers[start:start + batch]
            answers.extend(post(url, key, {'dossiers': chunk})['dossiers'])
            bar.update(len(chunk))
    return answers


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Replay a CSV of dossiers through the integration API")
    parser.add_argument('csv', help="the CSV file of the dossiers")
    parser.add_argument('--url', default='http://127.0.0.1:8000',
        help="the base URL of the server (default: %(default)s)")
    parser.add_argument('--database', '-d', required=True)
    parser.add_argument('--key', default=os.environ.get('ONE_STOP_API_KEY'),
        help="the API key of the platform (default: $ONE_STOP_API_KEY)")
    parser.add_argument('--batch', type=int, default=500,
        help=f"dossiers per call, at most {MAX_BATCH} (default: %(default)s)")
    parser.add_argument('--quiet', '-q', action='store_true',
        help="no progress bar")
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("an API key is needed (--key or $ONE_STOP_API_KEY)")
    if not 1 <= args.batch <= MAX_BATCH:
        parser.error(f"--batch must be from 1 to {MAX_BATCH}")
    dossiers = read_csv(args.csv)
    try:
        answers = replay(args.url, args.database, args.key, dossiers,
            batch=args.batch, progress=not args.quiet)
    except ApiError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"cannot reach the server: {error}", file=sys.stderr)
        return 2
    invited = sum(1 for a in answers if a.get('survey'))
    print(f"{len(answers)} dossiers, {invited} invited to the survey")
    return 0


if __name__ == '__main__':
    sys.exit(main())
