"""./dev connect, the pure part: from a sample of a stream's records to a CREATE TABLE and a route.

Standard library only; no I/O. tools/connect.py reads the sample (an event
file, or records from a stream), probes the server and applies the result.

  records_from_event(text)   (tools/connect_sample.py) a Lambda Kinesis event, or
                             `aws kinesis get-records` output -> [Record]
  classify(records)          (tools/connect_sample.py) each payload as the function
                             will see it (KPL, gzip/zlib, CloudWatch Logs, JSON or text)
  infer(payloads, caps, ...) -> Layout: columns with types from the values, ORDER BY,
                             PARTITION BY, route format
  create_table(layout, ...)  the CREATE TABLE text, each column with a comment that
                             says what in the sample decided its type
  route_item(arn, db, t, f)  the DynamoDB item (stream_arn, table, database, format)

Types come from the values, by the function's own column rules (docs/types.md):
integers by range, other numbers Float64, true/false Bool, strings by their text
(Date, DateTime, DateTime64(p) by the fraction's digits, UUID, IPv4/IPv6, else
String or LowCardinality(String)), objects JSON (or String where the server has
no JSON type), arrays Array(T), and a key missing or null in some records
Nullable. What the server cannot hold falls back to a type it can, with a
comment that says so (Caps).
"""
import datetime as dt
import ipaddress
import os
import re
import sys
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connect_sample import (SampleError, Record, Payload, records_from_event, classify,  # noqa: E402,F401
                            shape, kpl_user_records, inflate, json_value)

VIRTUAL = ["_stream_arn", "_shard_id", "_sequence_number", "_sub_sequence_number", "_partition_key",
           "_approximate_arrival_timestamp", "_raw", "_message", "_log_group", "_log_stream",
           "_log_owner", "_log_event_id", "_log_timestamp"]


@dataclass
class Caps:
    """What the target server can hold."""
    label: str
    datetime64: bool = True
    json: bool = True
    bool_type: bool = True
    ip: bool = True
    low_cardinality: bool = True
    big_ints: bool = True  # Int128/256, UInt128/256
    date32: bool = True


CURRENT = Caps("current ClickHouse (25.3 and later)")
CH_18_16 = Caps("ClickHouse 18.16", datetime64=False, json=False, bool_type=False, ip=False,
                low_cardinality=False, big_ints=False, date32=False)


def caps_from_server(version, families, settings):
    """Caps of a live server: its version, system.data_type_families and a few settings."""
    def num(v):
        return tuple(int(x) for x in re.findall(r"\d+", v)[:2])
    lc = "LowCardinality" in families and settings.get("allow_experimental_low_cardinality_type", "1") == "1"
    return Caps(f"ClickHouse {version} (probed)", datetime64="DateTime64" in families,
                json="JSON" in families and num(version) >= (25, 3), bool_type="Bool" in families,
                ip="IPv4" in families and "IPv6" in families, low_cardinality=lc,
                big_ints="Int128" in families and "UInt256" in families, date32="Date32" in families)


# ---------------------------------------------------------------- types from values

DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DATETIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?"
                         r"(Z|[+-]\d{2}(?::?\d{2})?)?$")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
IPV4_RE = re.compile(r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")
UINT = [("UInt8", 8), ("UInt16", 16), ("UInt32", 32), ("UInt64", 64), ("UInt128", 128), ("UInt256", 256)]
INT = [("Int8", 8), ("Int16", 16), ("Int32", 32), ("Int64", 64), ("Int128", 128), ("Int256", 256)]


def _string_class(s):
    """-> (class, detail): date (year), datetime ((digits, year)), uuid, ipv4, ipv6, json, text."""
    m = DATE_RE.match(s)
    if m:
        try:
            dt.date(int(m[1]), int(m[2]), int(m[3]))
            return "date", int(m[1])
        except ValueError:
            return "text", None
    m = DATETIME_RE.match(s)
    if m:
        try:
            dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]))
            return "datetime", (len(m[7] or ""), int(m[1]))
        except ValueError:
            return "text", None
    if UUID_RE.match(s):
        return "uuid", None
    if IPV4_RE.match(s):
        return "ipv4", None
    if ":" in s and "%" not in s:
        try:
            ipaddress.IPv6Address(s)
            return "ipv6", None
        except ValueError:
            pass
    if s.startswith("{") and isinstance(json_value(s.encode()), dict):
        return "json", None
    return "text", None


def _int_type(lo, hi, caps):
    table = UINT if lo >= 0 else INT
    for name, bits in table:
        fits = hi < (1 << bits) if lo >= 0 else -(1 << (bits - 1)) <= lo and hi < (1 << (bits - 1))
        if fits:
            if bits > 64 and not caps.big_ints:
                return "String", f"integers past 64 bits ({lo}…{hi}); this server has no {name}: kept as text"
            return name, f"{lo}…{hi}" if lo != hi else f"always {lo}"
    return "String", "integers past 256 bits: kept as text"


ID_LIKE = re.compile(r"(id|uuid|key|hash|md5|sha\d*|url|uri|path|token|email|ip)$", re.I)


def low_cardinality(name, values):
    """Few distinct strings for the sample's size, and a name that is not an identifier's or a URL's."""
    n, distinct = len(values), len(set(values))
    return n >= 10 and distinct <= max(2, int(2 * n ** 0.5)) and distinct <= 10000 and not ID_LIKE.search(name)


def _string_type(values, caps, name):
    classes = [_string_class(v) for v in values]
    names = {c for c, _ in classes}
    example = f'e.g. "{values[0][:40]}"'
    if names == {"date"}:
        years = [d for _, d in classes]
        if 1970 <= min(years) and max(years) <= 2149:
            return "Date", example
        if caps.date32 and 1900 <= min(years) and max(years) <= 2299:
            return "Date32", example
        return "String", "dates outside this server's range: kept as text"
    if names <= {"date", "datetime"}:
        digits = max(d[0] for c, d in classes if c == "datetime")
        years = [d if c == "date" else d[1] for c, d in classes]
        in_dt = 1970 <= min(years) and max(years) <= 2105
        if digits == 0 and in_dt:
            return "DateTime", example
        if caps.datetime64 and 1900 <= min(years) and max(years) <= 2299:
            return f"DateTime64({min(digits, 9)})", example + (
                f"; {digits} fraction digits, kept to 9" if digits > 9 else "")
        if in_dt:
            return "DateTime", (f"{example}; DateTime64({min(digits, 9)}) on current ClickHouse: "
                                "this server has no DateTime64, the fraction is dropped")
        return "String", "date-times outside this server's range: kept as text"
    if names == {"uuid"}:
        return "UUID", example
    if names <= {"ipv4", "ipv6"}:
        if caps.ip:
            return ("IPv4" if names == {"ipv4"} else "IPv6"), example
        return "String", f"{example}; IP addresses: this server has no IPv4/IPv6 type"
    distinct = len(set(values))
    note = f"{distinct} distinct in {len(values)}"
    if names == {"json"}:
        col = name if IDENT.match(name) else quote(name)
        hint = (f"read keys with JSONExtractString({col}, 'key'), or add a column "
                f"{name}_json JSON MATERIALIZED CAST({col}, 'JSON')" if caps.json else
                f"read keys with extract({col}, '\"key\": *\"([^\"]*)\"')" if not caps.datetime64 else
                f"read keys with JSONExtractString({col}, 'key')")
        return "String", f"JSON object text; {hint}"
    if caps.low_cardinality and low_cardinality(name, values):
        return "LowCardinality(String)", note
    return "String", note


def value_type(values, caps, name=""):
    """values: the non-null JSON values of key `name` -> (ClickHouse type, note)."""
    if not values:
        return "String", "always null in the sample"
    def kind(v):
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, int):
            return "int"
        if isinstance(v, float):
            return "float"
        if isinstance(v, str):
            return "str"
        if isinstance(v, dict):
            return "object"
        return "array"
    kinds = {kind(v) for v in values}
    if kinds == {"bool"}:
        return ("Bool", "true/false") if caps.bool_type else ("UInt8", "true/false as 0/1: this server has no Bool")
    if kinds == {"int"}:
        return _int_type(min(values), max(values), caps)
    if kinds <= {"int", "float"}:
        return "Float64", f"{min(values)}…{max(values)}"
    if kinds == {"str"}:
        return _string_type(values, caps, name)
    if kinds == {"object"}:
        if caps.json:
            return "JSON", "nested object"
        return "String", "nested object, stored as its JSON text: this server has no JSON type"
    if kinds == {"array"}:
        elems = [e for v in values for e in v]
        nulls = any(e is None for e in elems)
        elems = [e for e in elems if e is not None]
        if not elems:
            return "Array(String)", "always empty in the sample"
        t, _ = value_type(elems, caps, name)
        if nulls and not t.startswith(("Array", "JSON", "LowCardinality")):
            t = f"Nullable({t})"
        elif nulls and t.startswith("LowCardinality"):
            t = "LowCardinality(Nullable(String))"
        return f"Array({t})", f"up to {max(len(v) for v in values)} elements"
    return "String", "mixed kinds (" + ", ".join(sorted(kinds)) + "): stored as text/JSON text"


def nullable(t):
    """Nullable(t), or t itself with a reason when ClickHouse allows no Nullable of it."""
    if t.startswith(("Array(", "Map(", "Tuple(")) or t == "JSON":
        return t, "missing or null in some records: gets the empty value (no Nullable of this type)"
    if t.startswith("LowCardinality("):
        return f"LowCardinality(Nullable({t[len('LowCardinality('):-1]}))", None
    return f"Nullable({t})", None


# ---------------------------------------------------------------- the layout

@dataclass
class Column:
    name: str
    type: str
    note: str = ""
    lead: int = 0              # > 0: distinct values of a low-cardinality string key present in every record


@dataclass
class Layout:
    format: str                # route format: json or text
    kind: str                  # json, text, logs
    columns: list = field(default_factory=list)
    order_by: list = field(default_factory=list)
    partition_by: str = ""
    notes: list = field(default_factory=list)
    payloads: int = 0


def _virtuals(kind, caps, aggregated):
    lc = "LowCardinality(String)" if caps.low_cardinality else "String"
    ts3 = "DateTime64(3)" if caps.datetime64 else "DateTime"
    cols = []
    if kind == "text":
        cols.append(Column("_raw", "String", "the whole payload"))
    if kind == "logs":
        cols += [Column("_message", "String", "the log event's message"),
                 Column("_log_group", lc), Column("_log_stream", "String"), Column("_log_owner", lc),
                 Column("_log_event_id", "String"), Column("_log_timestamp", ts3, "the log event's time")]
    cols += [Column("_stream_arn", lc), Column("_shard_id", lc), Column("_sequence_number", "String")]
    if aggregated:
        cols.append(Column("_sub_sequence_number", "UInt64", "KPL: index in the aggregate"))
    cols += [Column("_partition_key", "String"),
             Column("_approximate_arrival_timestamp", ts3, "when Kinesis took the record")]
    return cols


TIME_TYPES = ("Date", "Date32", "DateTime", "DateTime64")
LEAD_NAME = re.compile(r"(^|_)(type|name|kind|event|action|level|status|category)$", re.I)


def infer(payloads_in, caps, fmt=None):
    """[Payload] -> Layout. SampleError on samples with no usable shape."""
    fmt, kind, taken, notes = shape(payloads_in, fmt)
    layout = Layout(fmt, kind, notes=list(notes), payloads=len(taken))
    cols = []
    objects = [p.value for p in taken if isinstance(p.value, dict)] if kind != "text" else []
    if kind in ("json", "logs") and objects:
        order, values, present = [], {}, {}
        for o in objects:
            for k, v in o.items():
                if k not in values:
                    order.append(k)
                    values[k], present[k] = [], 0
                present[k] += 1
                values[k].append(v)
        n = len(taken) if kind == "logs" else len(objects)
        for k in order:
            if k in VIRTUAL:
                layout.notes.append(f"payload key {k!r} has a virtual column's name: the function fills "
                                    f"that column from the record's metadata, so the key is left out")
                continue
            non_null = [v for v in values[k] if v is not None]
            t, note = value_type(non_null, caps, k)
            if present[k] < n or len(non_null) < len(values[k]):
                t, why = nullable(t)
                seen = f"in {present[k]} of {n}" if present[k] < n else f"null in {len(values[k]) - len(non_null)}"
                note = f"{seen}; {note}" if note else seen
                if why:
                    note += f"; {why}"
            lead = (t in ("String", "LowCardinality(String)") and len(non_null) == n
                    and all(isinstance(v, str) for v in non_null) and low_cardinality(k, non_null)
                    and len(set(non_null)) >= 2)
            cols.append(Column(k, t, note, len(set(non_null)) if lead else 0))
    aggregated = any(p.aggregated for p in taken)
    virtual = _virtuals(kind, caps, aggregated)
    layout.columns = cols + virtual

    def base(t):
        return t.split("(")[0]
    time_col = "_log_timestamp" if kind == "logs" else None
    if not time_col:
        time_col = next((c.name for c in cols if base(c.type) in TIME_TYPES), "_approximate_arrival_timestamp")
    leads = sorted((c for c in cols if c.lead), key=lambda c: (not LEAD_NAME.search(c.name), c.lead))
    if kind == "logs":
        layout.order_by = ["_log_group", time_col]
    else:
        layout.order_by = [c.name for c in leads[:1]] + [time_col]
    layout.partition_by = f"toYYYYMM({quote(time_col)})"
    return layout


def quote(name):
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def table_name_for(stream_arn):
    """A table name from the stream's name: arn:...:stream/app-telemetry -> app_telemetry."""
    name = stream_arn.rsplit("/", 1)[-1] if stream_arn else ""
    name = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_")
    if not name:
        return "kinesis_events"
    return name if IDENT.match(name) else "t_" + name


def create_table(layout, database, table, caps, source=""):
    width = max(len(quote(c.name)) + 1 + len(c.type) for c in layout.columns) + 1
    lines = [f"-- Inferred by ./dev connect from {source}: {layout.payloads} payload(s), "
             f"route format \"{layout.format}\"" + (" (CloudWatch Logs)" if layout.kind == "logs" else "") + ".",
             f"-- For: {caps.label}. Review it: the types fit this sample, not every record to come.",
             f"CREATE TABLE IF NOT EXISTS {quote(database)}.{quote(table)} ("]
    for i, c in enumerate(layout.columns):
        text = f"    {quote(c.name)} {c.type}" + ("," if i < len(layout.columns) - 1 else "")
        lines.append(text + (" " * max(1, width + 6 - len(text)) + f"-- {c.note}" if c.note else ""))
    lines.append(") ENGINE = MergeTree")
    lines.append(f"PARTITION BY {layout.partition_by}")
    lines.append("ORDER BY (" + ", ".join(quote(c) for c in layout.order_by) + ");")
    return "\n".join(lines)


def route_item(stream_arn, database, table, fmt):
    return {"stream_arn": {"S": stream_arn}, "table": {"S": table}, "database": {"S": database},
            "format": {"S": fmt}}
