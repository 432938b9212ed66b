#!/usr/bin/env python3
"""A stand-in for Airtable's Web API for `scripts/bench`: serves the CSV files of a folder as
the tables of one base, as the API's documentation describes its list-records call (pages of
at most 100 records followed by `offset`, empty fields left out of a record, `createdTime`).
It checks nothing but the path; the test suite's stand-in (tests/integration/pull.rs) is the
strict one.

    scripts/airtable-stand-in.py FOLDER PORT
"""

import csv
import http.server
import json
import os
import sys
import urllib.parse

TABLES = {
    "Engagements": "engagements.csv",
    "Projects": "projects.csv",
    "Allocations": "allocations.csv",
    "Activities": "activities.csv",
    "Contacts": "contacts.csv",
    "Capacity": "capacity.csv",
}


def load(folder):
    tables = {}
    for name, file in TABLES.items():
        if not os.path.exists(f"{folder}/{file}"):
            continue
        with open(f"{folder}/{file}", encoding="utf-8-sig", newline="") as handle:
            tables[name] = [{k: v for k, v in row.items() if v} for row in csv.DictReader(handle)]
    return tables


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        parts = url.path.split("/")
        records = self.server.tables.get(urllib.parse.unquote(parts[3])) if len(parts) > 3 else None
        if records is None:
            return self.answer(404, {"error": {"type": "TABLE_NOT_FOUND"}})
        query = urllib.parse.parse_qs(url.query)
        start = int(query.get("offset", ["0"])[0])
        page = [
            {"id": f"rec{i:014}", "createdTime": "2026-11-01T09:00:00.000Z", "fields": fields}
            for i, fields in enumerate(records[start : start + 100], start)
        ]
        body = {"records": page}
        if start + 100 < len(records):
            body["offset"] = str(start + 100)
        self.answer(200, body)

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler)
    server.tables = load(sys.argv[1])
    server.serve_forever()
