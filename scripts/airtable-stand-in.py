#!/usr/bin/env python3
"""A stand-in for Airtable's Web API, for the tests of `pull` and for `scripts/bench`.

It serves the CSV files of a folder (as a hand export writes them) as the tables of one base,
the way Airtable's public documentation describes the calls `pull` makes:

- `GET /v0/{baseId}/{tableIdOrName}` lists records: pages of at most `pageSize` (≤ 100)
  records followed by an opaque `offset`; a record is `{"id", "createdTime", "fields"}` with
  empty fields left out. With `cellFormat=json` (the default) a linked-record field is an
  array of record ids, a multiple select an array of names, a number a number, a date
  `2026-01-31` and a date-time ISO 8601 in UTC. With `cellFormat=string` (which needs
  `timeZone` and `userLocale`) every cell is text, linked records their names joined by
  ", ", unquoted. `view` filters (see --view), `fields[]` keeps only the named fields.
- `GET /v0/meta/bases/{baseId}/tables` lists the tables with their fields (id, name, type,
  `options.linkedTableId` for links), `primaryFieldId` and views; a token without the
  schema.bases:read scope gets 403 there (--no-metadata).
- A bearer token (401 without it), 404 for a base or table it does not have, and the rate
  limit: a 6th request within one second gets 429 and locks the base out for --lockout-ms.

Faults to inject, each for one table (the name as in the base): --silent (every request is
read and never answered), --repeat-offset, --duplicate-record, --drop-mid-body (the first page
request's answer is cut off halfway and the connection closed), --empty, --first-429,
--first-503. `GET /_stand-in/stats` answers the counts of requests and of 429s.

    scripts/airtable-stand-in.py FOLDER [--port N] [options]

It prints `listening on PORT` once it is ready.
"""

import argparse
import csv
import datetime
import http.server
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from collections import deque

TABLES = [
    ("Engagements", "engagements.csv"),
    ("Projects", "projects.csv"),
    ("Allocations", "allocations.csv"),
    ("Activities", "activities.csv"),
    ("Contacts", "contacts.csv"),
    ("Capacity", "capacity.csv"),
]
# The linked-record fields the tool reads: (table, field) → the table linked to.
LINKS = {
    ("Projects", "Engagement"): "Engagements",
    ("Allocations", "Project"): "Projects",
    ("Activities", "Allocation"): "Allocations",
    ("Contacts", "Engagement"): "Engagements",
}
MULTIPLE_SELECTS = {("Contacts", "Role")}
NUMBERS = {"hours available", "units", "hours per working day", "contract value", "hours used",
           "hours remaining", "total hours available"}
DATE_TIMES = {"created", "created time", "last modified time"}


def split_names(text):
    """The names of a linked-record cell as Airtable's CSV export writes them: comma-separated,
    a name holding a comma or a quote in double quotes (a quote doubled)."""
    names, current, quoted, i = [], "", False, 0
    while i < len(text):
        c = text[i]
        if c == '"' and quoted and text[i + 1 : i + 2] == '"':
            current += '"'
            i += 1
        elif c == '"':
            quoted = not quoted
        elif c == "," and not quoted:
            names.append(current)
            current = ""
        else:
            current += c
        i += 1
    names.append(current)
    return [name.strip() for name in names if name.strip()]


def iso_date(text):
    month, day, year = (int(part) for part in text.split("/"))
    return f"{year:04}-{month:02}-{day:02}"


def iso_date_time(text):
    moment = datetime.datetime.strptime(text.upper(), "%m/%d/%Y %I:%M%p")
    return moment.strftime("%Y-%m-%dT%H:%M:00.000Z")


def field_type(table, name):
    lower = name.lower()
    if (table, name) in LINKS:
        return "multipleRecordLinks"
    if (table, name) in MULTIPLE_SELECTS:
        return "multipleSelects"
    if lower in NUMBERS:
        return "number"
    if lower in DATE_TIMES:
        return "dateTime"
    if "date" in lower or lower == "effective from":
        return "date"
    return "multilineText"


def json_value(kind, text, ids_of):
    """A CSV cell as the API's JSON: ids for links (a name no record has stays as text, as
    a stand-in for a broken link), typed values elsewhere, text when it does not parse."""
    try:
        if kind == "multipleRecordLinks":
            return [ids_of.get(name, name) for name in split_names(text)]
        if kind == "multipleSelects":
            return split_names(text)
        if kind == "number":
            number = float(text.replace(",", ""))
            return int(number) if number.is_integer() else number
        if kind == "date":
            return iso_date(text)
        if kind == "dateTime":
            return iso_date_time(text)
    except ValueError:
        pass
    return text


def string_value(kind, text):
    """A CSV cell as the API's string format: linked records' names joined by ", "."""
    if kind in ("multipleRecordLinks", "multipleSelects"):
        return ", ".join(split_names(text))
    return text


class Base:
    def __init__(self, folder, options):
        self.tables = {}
        rows_of = {}
        for index, (name, file) in enumerate(TABLES):
            path = os.path.join(folder, file)
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader, [])
                rows = [dict(zip(header, row)) for row in reader]
            if name in options.empty:
                rows = []
            table_id = options.table_ids.get(name, f"tbl{name[:6]:x<6}{index:08}")
            fields = [
                {"id": f"fld{index}{number:013}", "name": field, "type": field_type(name, field)}
                for number, field in enumerate(header)
            ]
            for field in fields:
                if field["type"] == "multipleRecordLinks":
                    field["options"] = {"linkedTableId": None, "_table": LINKS[(name, field["name"])]}
            records = [
                {"id": f"rec{index}{number:013}", "row": row, "created": "2026-11-01T09:00:00.000Z"}
                for number, row in enumerate(rows)
            ]
            self.tables[name] = {"id": table_id, "name": name, "fields": fields, "records": records}
            rows_of[name] = records
        ids = {}
        for name, table in self.tables.items():
            primary = table["fields"][0]["name"] if table["fields"] else None
            ids[name] = {record["row"].get(primary, ""): record["id"] for record in table["records"]}
        for table in self.tables.values():
            for field in table["fields"]:
                if field["type"] == "multipleRecordLinks":
                    linked = field["options"].pop("_table")
                    field["options"]["linkedTableId"] = self.tables.get(linked, {}).get("id", "tblMissing")
                    field["_ids"] = ids.get(linked, {})

    def table(self, id_or_name):
        for table in self.tables.values():
            if id_or_name in (table["id"], table["name"]):
                return table
        return None

    def schema(self):
        tables = []
        for table in self.tables.values():
            fields = [{k: v for k, v in field.items() if not k.startswith("_")} for field in table["fields"]]
            tables.append({
                "id": table["id"],
                "name": table["name"],
                "primaryFieldId": fields[0]["id"] if fields else None,
                "fields": fields,
                "views": [{"id": f"viw{table['id'][3:]}", "name": "Grid view", "type": "grid"}],
            })
        return {"tables": tables}

    def record(self, table, record, json_format, only):
        fields = {}
        for field in table["fields"]:
            text = record["row"].get(field["name"], "")
            if text == "" or (only and field["name"] not in only):
                continue
            if json_format:
                fields[field["name"]] = json_value(field["type"], text, field.get("_ids", {}))
            else:
                fields[field["name"]] = string_value(field["type"], text)
        return {"id": record["id"], "createdTime": record["created"], "fields": fields}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        state = self.server.state
        url = urllib.parse.urlparse(self.path)
        if url.path == "/_stand-in/stats":
            with state.lock:
                return self.answer(200, {"requests": state.requests, "rate_limited": state.rate_limited})
        if state.options.silent:
            time.sleep(3600)
            return
        with state.lock:
            state.requests += 1
        if self.headers.get("Authorization") != f"Bearer {state.options.token}":
            return self.answer(401, {"error": {"type": "AUTHENTICATION_REQUIRED", "message": "Authentication required"}})
        if not state.admit():
            return self.answer(429, {"errors": [{"error": "RATE_LIMIT_REACHED"}]})
        parts = [urllib.parse.unquote(part) for part in url.path.split("/")]
        query = urllib.parse.parse_qs(url.query)
        if parts[1:4] == ["v0", "meta", "bases"] and len(parts) == 6 and parts[5] == "tables":
            if parts[4] != state.options.base:
                return self.answer(404, {"error": "NOT_FOUND"})
            if state.options.no_metadata:
                return self.answer(403, {"error": {"type": "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
                                                   "message": "Invalid permissions, or the requested model was not found."}})
            return self.answer(200, state.base.schema())
        if len(parts) != 4 or parts[1] != "v0" or parts[2] != state.options.base:
            return self.answer(404, {"error": "NOT_FOUND"})
        table = state.base.table(parts[3])
        if table is None:
            return self.answer(404, {"error": {"type": "TABLE_NOT_FOUND", "message": "Could not find table"}})
        self.list_records(state, table, query)

    def list_records(self, state, table, query):
        name = table["name"]
        cell_format = query.get("cellFormat", ["json"])[0]
        if cell_format not in ("json", "string") or (
            cell_format == "string" and ("timeZone" not in query or "userLocale" not in query)
        ):
            return self.answer(422, {"error": {"type": "INVALID_REQUEST_UNKNOWN", "message": "bad cellFormat"}})
        page_size = int(query.get("pageSize", ["100"])[0])
        if not 1 <= page_size <= 100:
            return self.answer(422, {"error": {"type": "INVALID_PAGE_SIZE"}})
        records = table["records"]
        view = query.get("view", [None])[0]
        if view is not None and view != "Grid view":
            rule = state.options.views.get((name, view))
            if rule is None:
                return self.answer(422, {"error": {"type": "VIEW_NAME_NOT_FOUND", "message": "Could not find view"}})
            field, prefix = rule
            records = [r for r in records if r["row"].get(field, "").startswith(prefix)]
        once = state.once
        if name in state.options.first_429 and once(("429", name)):
            with state.lock:
                state.rate_limited += 1
            return self.answer(429, {"errors": [{"error": "RATE_LIMIT_REACHED"}]})
        if name in state.options.first_503 and once(("503", name)):
            return self.answer(503, {})
        offset = query.get("offset", [None])[0]
        start = 0
        if offset is not None:
            match = re.fullmatch(r"itr(\d+)/rec\w+", offset)
            if not match:
                return self.answer(422, {"error": {"type": "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"}})
            start = int(match.group(1))
        only = set(query.get("fields[]", []))
        page = [state.base.record(table, r, cell_format == "json", only) for r in records[start : start + page_size]]
        body = {"records": page}
        if start + page_size < len(records):
            next_start = start if (name in state.options.repeat_offset and offset is not None) else start + page_size
            body["offset"] = f"itr{next_start}/{records[next_start]['id']}"
        elif name in state.options.duplicate_record and records:
            body["records"].append(state.base.record(table, records[0], cell_format == "json", only))
        if name in state.options.drop_mid_body and once(("drop", name)):
            return self.answer(200, body, cut=True)
        self.answer(200, body)

    def answer(self, status, body, cut=False):
        time.sleep(self.server.state.options.delay_ms / 1000)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if cut:
            self.send_header("Connection", "close")
        self.end_headers()
        if cut:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class State:
    def __init__(self, base, options):
        self.base = base
        self.options = options
        self.lock = threading.Lock()
        self.requests = 0
        self.rate_limited = 0
        self.recent = deque()
        self.locked_until = 0.0
        self.done = set()

    def admit(self):
        """Airtable's 5 requests a second per base: a 6th within any second is refused, and
        the base is locked out for --lockout-ms."""
        with self.lock:
            now = time.monotonic()
            while self.recent and self.recent[0] <= now - 1.0:
                self.recent.popleft()
            if now < self.locked_until or len(self.recent) >= 5:
                if now >= self.locked_until:
                    self.locked_until = now + self.options.lockout_ms / 1000
                self.rate_limited += 1
                return False
            self.recent.append(now)
            return True

    def once(self, key):
        with self.lock:
            if key in self.done:
                return False
            self.done.add(key)
            return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--base", default="appSAMPLE0000001")
    parser.add_argument("--token", default="patSECRETtoken.0123456789abcdef")
    parser.add_argument("--lockout-ms", type=int, default=30000)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--silent", action="store_true")
    parser.add_argument("--no-metadata", action="store_true")
    for fault in ("repeat-offset", "duplicate-record", "drop-mid-body", "empty", "first-429", "first-503"):
        parser.add_argument(f"--{fault}", action="append", default=[], metavar="TABLE")
    parser.add_argument("--table-id", action="append", default=[], metavar="TABLE=tblID")
    parser.add_argument("--view", action="append", default=[], metavar="TABLE/VIEW/FIELD/PREFIX",
                        help="a view of TABLE: the records whose FIELD starts with PREFIX")
    options = parser.parse_args()
    options.table_ids = dict(item.split("=", 1) for item in options.table_id)
    options.views = {}
    for item in options.view:
        table, view, field, prefix = item.split("/", 3)
        options.views[(table, view)] = (field, prefix)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    server.state = State(Base(options.folder, options), options)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
