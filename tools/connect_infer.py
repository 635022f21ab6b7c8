"""./dev connect, the pure part: from a sample of a stream's records to a CREATE TABLE and a route.

Standard library only; no I/O. tools/connect.py reads the sample (an event
file, or records from a stream), probes the server and applies the result.

  records_from_event(text)   a Lambda Kinesis event (or `aws kinesis get-records`
                             output) -> [Record]; SampleError with a clear message
  classify(records)          each payload as the function will see it (KPL
                             de-aggregation, gzip/zlib, CloudWatch Logs, JSON or text)
  infer(records, caps, ...)  -> Layout: columns with types from the values, ORDER BY,
                             PARTITION BY, route format
  create_table(layout, ...)  the CREATE TABLE text, each column with a comment that
                             says what in the sample decided its type
  route_item(layout, ...)    the DynamoDB item (stream_arn, table, database, format)

Types come from the values, by the function's own column rules (docs/types.md):
integers by range, other numbers Float64, true/false Bool, strings by their text
(Date, DateTime, DateTime64(p) by the fraction's digits, UUID, IPv4/IPv6, else
String or LowCardinality(String)), objects JSON (or String where the server has
no JSON type), arrays Array(T), and a key missing or null in some records
Nullable. What the server cannot hold falls back to a type it can, with a
comment that says so (Caps).
"""
import base64
import binascii
import datetime as dt
import gzip
import hashlib
import ipaddress
import json
import re
import zlib
from dataclasses import dataclass, field

MAX_INFLATED = 16 << 20
VIRTUAL = ["_stream_arn", "_shard_id", "_sequence_number", "_sub_sequence_number", "_partition_key",
           "_approximate_arrival_timestamp", "_raw", "_message", "_log_group", "_log_stream",
           "_log_owner", "_log_event_id", "_log_timestamp"]
KPL_MAGIC = b"\xf3\x89\x9a\xc2"


class SampleError(Exception):
    """A sample the tool cannot infer a table from; the message says why and what to do."""


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


@dataclass
class Record:
    index: int                 # position in the sample, from 1
    data: bytes = None         # decoded bytes; None: not valid base64
    stream_arn: str = ""
    sequence: str = ""
    partition_key: str = ""


# ---------------------------------------------------------------- reading a sample

def _b64(text):
    if not isinstance(text, str):
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def records_from_event(text, stream_arn=None):
    """A Lambda Kinesis event, or the output of `aws kinesis get-records` -> [Record]."""
    text = text.lstrip("\ufeff")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise SampleError(f"not JSON ({e.msg} at line {e.lineno}, column {e.colno}): a sample is a "
                          "Lambda Kinesis event file like events/orders-batch.json, or the output "
                          "of `aws kinesis get-records`") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("Records"), list):
        keys = ", ".join(list(doc)[:6]) if isinstance(doc, dict) else type(doc).__name__
        raise SampleError(f"not a Kinesis event: no \"Records\" array (found: {keys}). A sample is a "
                          "Lambda Kinesis event, as events/*.json, or `aws kinesis get-records` output")
    recs = doc["Records"]
    if not recs:
        raise SampleError("the sample has no records (an empty batch): nothing to infer a table from. "
                          "Take a batch with records, or read them from the stream with --stream")
    out = []
    for i, r in enumerate(recs, 1):
        if isinstance(r, dict) and isinstance(r.get("kinesis"), dict):
            k = r["kinesis"]
            if "data" not in k:
                raise SampleError(f"record {i} is not a Kinesis record: it has no kinesis.data")
            out.append(Record(i, _b64(k["data"]), r.get("eventSourceARN") or stream_arn or "",
                              str(k.get("sequenceNumber", "")), str(k.get("partitionKey", ""))))
        elif isinstance(r, dict) and "Data" in r:  # aws kinesis get-records
            out.append(Record(i, _b64(r["Data"]), stream_arn or "", str(r.get("SequenceNumber", "")),
                              str(r.get("PartitionKey", ""))))
        else:
            what = r.get("eventSource") if isinstance(r, dict) else type(r).__name__
            raise SampleError(f"record {i} is not a Kinesis record (eventSource: {what}): "
                              "this tool reads Kinesis data streams only")
    streams = sorted({r.stream_arn for r in out if r.stream_arn})
    if len(streams) > 1:
        raise SampleError(f"the sample mixes {len(streams)} streams ({', '.join(streams)}): one route "
                          "maps one stream to one table, so take a sample of one stream")
    return out


# ---------------------------------------------------------------- payloads, as the function sees them

def _varint(b, i):
    shift = value = 0
    while True:
        if i >= len(b) or shift > 63:
            raise ValueError("truncated varint")
        c = b[i]
        i += 1
        value |= (c & 0x7F) << shift
        if not c & 0x80:
            return value, i
        shift += 7


def _fields(b):
    """Protobuf fields of a message -> [(number, wire type, value)]."""
    i, out = 0, []
    while i < len(b):
        key, i = _varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 2:
            n, i = _varint(b, i)
            if i + n > len(b):
                raise ValueError("truncated field")
            v, i = b[i:i + n], i + n
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError("bad wire type")
        out.append((num, wt, v))
    return out


def kpl_user_records(data):
    """The user records' data of a KPL aggregate, or None when data is not a valid one (SPEC §4.1)."""
    if len(data) < 20 or not data.startswith(KPL_MAGIC):
        return None
    body, digest = data[4:-16], data[-16:]
    if hashlib.md5(body).digest() != digest:
        return None
    try:
        out = []
        for num, wt, v in _fields(body):
            if num == 3 and wt == 2:
                out.append(b"".join(d for n, w, d in _fields(v) if n == 3 and w == 2))
        return out
    except ValueError:
        return None


def inflate(data):
    """-> (payload, None) or (None, reason). gzip always; zlib when it inflates cleanly."""
    if data[:2] == b"\x1f\x8b":
        try:
            out = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return None, "invalid gzip"
        return (out, None) if len(out) <= MAX_INFLATED else (None, "inflates past 16 MiB")
    if len(data) >= 2 and data[0] & 0x0F == 8 and data[0] >> 4 <= 7 and (data[0] * 256 + data[1]) % 31 == 0:
        try:
            d = zlib.decompressobj()
            out = d.decompress(data, MAX_INFLATED + 1)
            if d.eof and not d.unused_data and len(out) <= MAX_INFLATED:
                return out, None
        except zlib.error:
            pass
    return data, None


@dataclass
class Payload:
    record: int
    kind: str                  # object, text, log_object, log_text, bad
    value: object = None       # the parsed object (object, log_object), else the text
    detail: str = ""
    aggregated: bool = False


def _json_object(b):
    try:
        v = json.loads(b.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return v


def classify(records):
    """-> [Payload]: every user record's payload, as the function would take it."""
    out = []
    for r in records:
        if r.data is None:
            out.append(Payload(r.index, "bad", detail="data is not valid base64"))
            continue
        users = kpl_user_records(r.data)
        aggregated = users is not None
        for data in (users if aggregated else [r.data]):
            data, why = inflate(data)
            if data is None:
                out.append(Payload(r.index, "bad", detail=why, aggregated=aggregated))
                continue
            v = _json_object(data)
            if isinstance(v, dict) and {"messageType", "logGroup", "logStream", "logEvents"} <= set(v):
                if v.get("messageType") == "CONTROL_MESSAGE":
                    continue
                if v.get("messageType") == "DATA_MESSAGE" and isinstance(v["logEvents"], list):
                    for ev in v["logEvents"]:
                        msg = ev.get("message", "") if isinstance(ev, dict) else ""
                        inner = _json_object(msg.encode()) if isinstance(msg, str) else None
                        if isinstance(inner, dict):
                            out.append(Payload(r.index, "log_object", inner, aggregated=aggregated))
                        else:
                            out.append(Payload(r.index, "log_text", msg, aggregated=aggregated))
                    continue
            if isinstance(v, dict):
                out.append(Payload(r.index, "object", v, aggregated=aggregated))
            else:
                text = data.decode("utf-8", errors="replace")
                what = "not JSON" if v is None and not _is_json(data) else "JSON but not an object"
                out.append(Payload(r.index, "text", text, detail=what, aggregated=aggregated))
    return out


def _is_json(b):
    try:
        json.loads(b.decode("utf-8"))
        return True
    except (UnicodeDecodeError, ValueError):
        return False


def shape(payloads, fmt=None):
    """-> (format, kind of layout, the payloads it takes, notes); SampleError on mixed shapes."""
    kinds = {}
    for p in payloads:
        kinds.setdefault(p.kind, []).append(p)
    if not payloads:
        raise SampleError("the sample holds only CloudWatch Logs control messages (or empty aggregates): "
                          "no payload to infer a table from")
    logs = kinds.get("log_object", []) + kinds.get("log_text", [])
    bad = kinds.get("bad", [])
    notes = []
    if bad:
        first = ", ".join(f"record {p.record} ({p.detail})" for p in bad[:3])
        notes.append(f"{len(bad)} record(s) the function would dead-letter whatever the table: {first}")
    if fmt == "text":
        return "text", "text", [p for p in payloads if p.kind != "bad"], notes
    if logs and not (kinds.get("object") or kinds.get("text")):
        return "json", "logs", logs, notes
    objects, texts = kinds.get("object", []), kinds.get("text", [])
    if fmt == "json":
        if not objects:
            raise SampleError("--format json, but no payload of the sample is a JSON object")
        if texts:
            notes.append(f"{len(texts)} payload(s) are not JSON objects: a json route dead-letters them")
        return "json", "json", objects, notes
    if objects and not texts and not logs:
        return "json", "json", objects, notes
    if texts and not objects and not logs:
        return "text", "text", texts, notes
    if not objects and not texts and not logs:
        raise SampleError(f"no record of the sample can be read: {notes[0]}")
    parts = [f"{len(v)} {name}" for name, v in (("are JSON objects", objects), ("are not JSON objects", texts),
                                                 ("are CloudWatch Logs events", logs)) if v]
    examples = "; ".join(f"record {p.record}: {str(p.value)[:40]!r}" for p in texts[:2])
    raise SampleError("mixed shapes: of the sample's payloads " + ", ".join(parts)
                      + (f" ({examples})" if examples else "") + ". One table takes one shape: "
                      "--format json infers from the JSON objects (a json route dead-letters the rest), "
                      "--format text keeps every payload whole in _raw; or sample a single kind of stream"
                      + "".join(f". Also: {n}" for n in notes))


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
    if s.startswith("{") and isinstance(_json_object(s.encode()), dict):
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
