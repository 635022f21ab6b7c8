"""./dev connect, reading a sample: a Lambda Kinesis event (or get-records
output) to records, and each record to the payloads the function would see.

Standard library only; no I/O. The same steps as the function (SPEC §4.1): KPL
de-aggregation (magic, MD5, protobuf), gzip always and zlib when it inflates
cleanly (at most 16 MiB), CloudWatch Logs subscription messages (control
messages skipped, each log event one payload), then a JSON object or text.
shape() decides the layout a sample can have, and refuses mixed ones with a
message that says what to do. tools/connect_infer.py infers the columns.
"""
import base64
import binascii
import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass

MAX_INFLATED = 16 << 20
KPL_MAGIC = b"\xf3\x89\x9a\xc2"


class SampleError(Exception):
    """A sample the tool cannot infer a table from; the message says why and what to do."""


@dataclass
class Record:
    index: int                 # position in the sample, from 1
    data: bytes = None         # decoded bytes; None: not valid base64
    stream_arn: str = ""
    sequence: str = ""
    partition_key: str = ""


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


def json_value(b):
    """bytes -> the JSON value they hold, or None (also for invalid UTF-8)."""
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
            v = json_value(data)
            if isinstance(v, dict) and {"messageType", "logGroup", "logStream", "logEvents"} <= set(v):
                if v.get("messageType") == "CONTROL_MESSAGE":
                    continue
                if v.get("messageType") == "DATA_MESSAGE" and isinstance(v["logEvents"], list):
                    for ev in v["logEvents"]:
                        msg = ev.get("message", "") if isinstance(ev, dict) else ""
                        inner = json_value(msg.encode()) if isinstance(msg, str) else None
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
