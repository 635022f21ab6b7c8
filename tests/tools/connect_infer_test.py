#!/usr/bin/env python3
"""./dev connect's inference (tools/connect_infer.py): payload samples -> column
types, layouts and routes; bad samples -> clear messages. No server needed.

    connect_infer_test.py [-v]
"""
import base64
import gzip
import hashlib
import json
import os
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import connect_infer as ci  # noqa: E402

ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/app-telemetry"


def event(payloads, arn=ARN):
    """A Lambda Kinesis event whose records carry these payloads (dict -> JSON, bytes as they are)."""
    recs = []
    for i, p in enumerate(payloads):
        data = json.dumps(p).encode() if not isinstance(p, (bytes, str)) else (
            p if isinstance(p, bytes) else p.encode())
        recs.append({"kinesis": {"data": base64.b64encode(data).decode(), "sequenceNumber": str(i),
                                 "partitionKey": "k"},
                     "eventSource": "aws:kinesis", "eventSourceARN": arn})
    return json.dumps({"Records": recs})


def read(rel):
    with open(os.path.join(ROOT, rel)) as f:
        return f.read()


def layout(payloads, caps=ci.CURRENT, fmt=None):
    return ci.infer(ci.classify(ci.records_from_event(event(payloads))), caps, fmt)


def types(payloads, caps=ci.CURRENT, fmt=None):
    return {c.name: c.type for c in layout(payloads, caps, fmt).columns}


def one(values, caps=ci.CURRENT, key="v"):
    """The type of key `key` over records that each hold one of values."""
    return types([{key: v} for v in values], caps)[key]


class IntegersByRange(unittest.TestCase):
    def test_unsigned_widths(self):
        self.assertEqual(one([0, 255]), "UInt8")
        self.assertEqual(one([0, 256]), "UInt16")
        self.assertEqual(one([65536]), "UInt32")
        self.assertEqual(one([1 << 32]), "UInt64")
        self.assertEqual(one([(1 << 64) - 1]), "UInt64")

    def test_signed_widths(self):
        self.assertEqual(one([-1, 127]), "Int8")
        self.assertEqual(one([-129, 5]), "Int16")
        self.assertEqual(one([-1, 1 << 31]), "Int64")
        self.assertEqual(one([-(1 << 63)]), "Int64")

    def test_past_64_bits_needs_a_server_with_128_bit_integers(self):
        self.assertEqual(one([1 << 64]), "UInt128")
        self.assertEqual(one([-(1 << 64)]), "Int128")
        self.assertEqual(one([1 << 64], ci.CH_18_16), "String")


class OtherScalars(unittest.TestCase):
    def test_numbers_with_a_fraction_are_float64(self):
        self.assertEqual(one([1.5, 2.25]), "Float64")
        self.assertEqual(one([1, 2.5]), "Float64")
        self.assertEqual(one([1e3]), "Float64")

    def test_booleans(self):
        self.assertEqual(one([True, False]), "Bool")
        self.assertEqual(one([True, False], ci.CH_18_16), "UInt8")

    def test_mixed_kinds_are_string(self):
        self.assertEqual(one([1, "a"]), "String")
        self.assertEqual(one([{"a": 1}, 5]), "String")

    def test_only_null_is_nullable_string(self):
        self.assertEqual(types([{"a": 1, "v": None}, {"a": 2, "v": None}])["v"], "Nullable(String)")


class StringsByTheirText(unittest.TestCase):
    def test_telemetry_tstamp_is_datetime64_6(self):
        self.assertEqual(one(["2023-06-18 14:27:52.000000", "2023-06-18 14:28:01.123456"]), "DateTime64(6)")

    def test_fraction_digits_decide_the_precision(self):
        self.assertEqual(one(["2024-05-01T12:00:00.123Z", "2024-05-01T12:00:00.1Z"]), "DateTime64(3)")
        self.assertEqual(one(["2024-05-01T12:00:00.1234567891Z"]), "DateTime64(9)")

    def test_whole_seconds_are_datetime(self):
        self.assertEqual(one(["2024-05-01 10:00:00", "2024-05-01T12:30:00+02:00"]), "DateTime")

    def test_dates(self):
        self.assertEqual(one(["2024-05-01", "2024-12-31"]), "Date")
        self.assertEqual(one(["1950-05-01"]), "Date32")
        self.assertEqual(one(["2024-05-01", "2024-05-01 10:00:00"]), "DateTime")

    def test_invalid_calendar_dates_are_text(self):
        self.assertEqual(one(["2024-02-30"]), "String")
        self.assertEqual(one(["2024-05-01 25:00:00"]), "String")

    def test_datetime64_on_a_server_without_it(self):
        self.assertEqual(one(["2023-06-18 14:27:52.000000"], ci.CH_18_16), "DateTime")
        note = next(c.note for c in layout([{"t": "2023-06-18 14:27:52.000000"}], ci.CH_18_16).columns)
        self.assertIn("DateTime64(6) on current ClickHouse", note)

    def test_uuids(self):
        self.assertEqual(one(["6513270e-269e-0d37-f2a7-4de452e6b438", "11E20B8F-6B0D-549B-6F03-675A1600A35A"]),
                         "UUID")
        self.assertEqual(one(["6513270e269e0d37f2a74de452e6b438"]), "String")

    def test_ip_addresses(self):
        self.assertEqual(one(["10.0.0.1", "192.168.1.255"], key="addr"), "IPv4")
        self.assertEqual(one(["10.0.0.1", "2001:db8::1"], key="addr"), "IPv6")
        self.assertEqual(one(["10.0.0.01"], key="addr"), "String")
        self.assertEqual(one(["10.0.0.1"], ci.CH_18_16, key="addr"), "String")

    def test_json_text_in_a_string_stays_string_with_a_hint(self):
        c = next(c for c in layout([{"payload": json.dumps({"a": i})} for i in range(3)]).columns)
        self.assertEqual(c.type, "String")
        self.assertIn("JSON object text", c.note)

    def test_few_distinct_values_are_low_cardinality(self):
        self.assertEqual(one(["a", "b", "c"] * 10, key="name"), "LowCardinality(String)")
        self.assertEqual(one(["a", "b", "c"] * 10, ci.CH_18_16, key="name"), "String")
        self.assertEqual(one([f"s-{i}" for i in range(30)], key="name"), "String")

    def test_identifiers_and_urls_are_never_low_cardinality(self):
        self.assertEqual(one(["a", "b"] * 20, key="session_id"), "String")
        self.assertEqual(one(["/a", "/b"] * 20, key="page_url"), "String")


class NestedValues(unittest.TestCase):
    def test_objects_are_json_where_the_server_has_it(self):
        self.assertEqual(one([{"a": 1}, {"b": [1]}]), "JSON")
        self.assertEqual(one([{"a": 1}], ci.CH_18_16), "String")

    def test_arrays_take_their_elements_type(self):
        self.assertEqual(one([[1, 2], [300]]), "Array(UInt16)")
        self.assertEqual(one([["a"], []], key="tags"), "Array(String)")
        self.assertEqual(one([[1, None]]), "Array(Nullable(UInt8))")
        self.assertEqual(one([[{"a": 1}]]), "Array(JSON)")
        self.assertEqual(one([[{"a": 1}]], ci.CH_18_16), "Array(String)")
        self.assertEqual(one([[[1], [2, 3]]]), "Array(Array(UInt8))")
        self.assertEqual(one([[]]), "Array(String)")


class Nullable(unittest.TestCase):
    def test_a_key_in_only_some_records_is_nullable(self):
        t = types([{"a": 1, "b": 5}, {"a": 2}])
        self.assertEqual(t["a"], "UInt8")
        self.assertEqual(t["b"], "Nullable(UInt8)")

    def test_a_null_value_makes_it_nullable(self):
        self.assertEqual(types([{"b": "2024-05-01"}, {"b": None}])["b"], "Nullable(Date)")

    def test_low_cardinality_wraps_nullable(self):
        recs = [{"c": ["x", "y"][i % 2]} for i in range(20)] + [{}]
        self.assertEqual(types(recs)["c"], "LowCardinality(Nullable(String))")

    def test_arrays_and_json_are_never_nullable(self):
        t = types([{"a": [1], "o": {"x": 1}}, {}])
        self.assertEqual(t["a"], "Array(UInt8)")
        self.assertEqual(t["o"], "JSON")


class Layouts(unittest.TestCase):
    def test_virtual_columns_of_a_json_stream(self):
        cols = [c.name for c in layout([{"a": 1}]).columns]
        self.assertEqual(cols, ["a", "_stream_arn", "_shard_id", "_sequence_number", "_partition_key",
                                "_approximate_arrival_timestamp"])
        self.assertEqual(types([{"a": 1}])["_approximate_arrival_timestamp"], "DateTime64(3)")
        self.assertEqual(types([{"a": 1}], ci.CH_18_16)["_approximate_arrival_timestamp"], "DateTime")

    def test_order_and_partition_on_the_first_time_column(self):
        recs = [{"name": ["a", "b", "c"][i % 3], "id": i, "t0": "2024-05-01 10:00:00",
                 "t1": "2024-05-01"} for i in range(30)]
        lay = layout(recs)
        self.assertEqual(lay.order_by, ["name", "t0"])
        self.assertEqual(lay.partition_by, "toYYYYMM(`t0`)")

    def test_no_time_column_uses_the_arrival_time(self):
        lay = layout([{"a": 1}])
        self.assertEqual(lay.order_by, ["_approximate_arrival_timestamp"])
        self.assertEqual(lay.partition_by, "toYYYYMM(`_approximate_arrival_timestamp`)")

    def test_nullable_time_columns_are_not_keys(self):
        lay = layout([{"t": "2024-05-01 10:00:00"}, {}])
        self.assertEqual(lay.order_by, ["_approximate_arrival_timestamp"])

    def test_payload_keys_named_like_virtual_columns_are_left_out(self):
        lay = layout([{"_shard_id": "mine", "a": 1}])
        self.assertEqual([c.name for c in lay.columns].count("_shard_id"), 1)
        self.assertTrue(any("_shard_id" in n for n in lay.notes))

    def test_the_telemetry_sample(self):
        recs = ci.records_from_event(read("events/app-telemetry.json"))
        t = {c.name: c.type for c in ci.infer(ci.classify(recs), ci.CURRENT).columns}
        self.assertEqual(t["tstamp"], "DateTime64(6)")
        self.assertIn(t["payload"], ("JSON", "String"))
        self.assertEqual(t["name"], "LowCardinality(String)")
        self.assertEqual(ci.table_name_for(recs[0].stream_arn), "app_telemetry")

    def test_text_stream(self):
        lay = layout([b"127.0.0.1 - - GET /", b"10.0.0.2 - - POST /x"])
        self.assertEqual((lay.format, lay.kind), ("text", "text"))
        self.assertEqual(lay.columns[0].name, "_raw")

    def test_gzip_payloads_are_inflated(self):
        lay = layout([gzip.compress(json.dumps({"a": 1}).encode())])
        self.assertEqual({c.name: c.type for c in lay.columns}["a"], "UInt8")

    def test_cloudwatch_logs_stream(self):
        msg = {"messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "/aws/lambda/f",
               "logStream": "2026/11/30/[$LATEST]abc", "subscriptionFilters": ["f"],
               "logEvents": [{"id": "1", "timestamp": 1764496800000,
                              "message": json.dumps({"level": "info", "latency_ms": 12})},
                             {"id": "2", "timestamp": 1764496801000, "message": "START RequestId: x"}]}
        control = {"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "",
                   "logStream": "", "logEvents": []}
        lay = layout([gzip.compress(json.dumps(msg).encode()), gzip.compress(json.dumps(control).encode())])
        self.assertEqual((lay.format, lay.kind), ("json", "logs"))
        t = {c.name: c.type for c in lay.columns}
        for v in ("_message", "_log_group", "_log_stream", "_log_owner", "_log_event_id", "_log_timestamp"):
            self.assertIn(v, t)
        self.assertEqual(t["latency_ms"], "Nullable(UInt8)")  # structured in one of two messages
        self.assertEqual(lay.order_by, ["_log_group", "_log_timestamp"])

    def test_kpl_aggregate_is_de_aggregated(self):
        def varint(n):
            out = b""
            while True:
                b, n = n & 0x7F, n >> 7
                out += bytes([b | (0x80 if n else 0)])
                if not n:
                    return out

        def field(num, payload):
            return varint(num << 3 | 2) + varint(len(payload)) + payload
        inner = field(1, b"pk")
        for i in range(3):
            data = json.dumps({"n": i}).encode()
            inner += field(3, varint(1 << 3) + varint(0) + field(3, data))
        agg = b"\xf3\x89\x9a\xc2" + inner + hashlib.md5(inner).digest()
        lay = layout([agg])
        self.assertEqual(lay.payloads, 3)
        self.assertIn("_sub_sequence_number", [c.name for c in lay.columns])

    def test_route_item(self):
        self.assertEqual(ci.route_item(ARN, "default", "t", "text"),
                         {"stream_arn": {"S": ARN}, "table": {"S": "t"}, "database": {"S": "default"},
                          "format": {"S": "text"}})

    def test_create_table_quotes_every_name(self):
        lay = layout([{"odd `name`": 1}])
        ddl = ci.create_table(lay, "db", "t", ci.CURRENT, "x.json")
        self.assertIn("`odd \\`name\\`` UInt8", ddl)
        self.assertIn("CREATE TABLE IF NOT EXISTS `db`.`t` (", ddl)
        self.assertTrue(ddl.rstrip().endswith(";"))

    def test_table_names_from_stream_names(self):
        self.assertEqual(ci.table_name_for("arn:aws:kinesis:eu-west-1:1:stream/shop-orders"), "shop_orders")
        self.assertEqual(ci.table_name_for("arn:aws:kinesis:eu-west-1:1:stream/2024.events"), "t_2024_events")
        self.assertEqual(ci.table_name_for(""), "kinesis_events")

    def test_caps_of_a_probed_18_16(self):
        families = {"LowCardinality", "Date", "DateTime", "UUID", "String", "UInt8"}
        caps = ci.caps_from_server("18.16.1", families, {"allow_experimental_low_cardinality_type": "1"})
        self.assertFalse(caps.datetime64 or caps.json or caps.bool_type or caps.ip)
        self.assertTrue(caps.low_cardinality)
        self.assertFalse(ci.caps_from_server("18.16.1", families, {"allow_experimental_low_cardinality_type": "0"})
                         .low_cardinality)
        modern = ci.caps_from_server("26.7.1.1", families | {"DateTime64", "JSON", "Bool", "IPv4", "IPv6"}, {})
        self.assertTrue(modern.datetime64 and modern.json and modern.bool_type and modern.ip)


class BadSamples(unittest.TestCase):
    def error(self, text, fmt=None):
        with self.assertRaises(ci.SampleError) as cm:
            ci.infer(ci.classify(ci.records_from_event(text)), ci.CURRENT, fmt)
        return str(cm.exception)

    def test_not_json(self):
        self.assertIn("not JSON", self.error("{not json"))

    def test_not_a_kinesis_event(self):
        msg = self.error(json.dumps({"detail-type": "Scheduled Event", "source": "aws.events"}))
        self.assertIn('not a Kinesis event: no "Records" array', msg)
        self.assertIn("detail-type", msg)

    def test_records_of_another_service(self):
        msg = self.error(json.dumps({"Records": [{"eventSource": "aws:s3", "s3": {}}]}))
        self.assertIn("not a Kinesis record (eventSource: aws:s3)", msg)

    def test_empty_batch(self):
        self.assertIn("no records", self.error('{"Records": []}'))

    def test_the_empty_sample_event(self):
        self.assertIn("no records", self.error(read("events/empty-batch.json")))

    def test_mixed_shapes(self):
        msg = self.error(event([{"a": 1}, {"a": 2}, b"plain text"]))
        self.assertIn("mixed shapes", msg)
        self.assertIn("2 are JSON objects", msg)
        self.assertIn("1 are not JSON objects", msg)
        self.assertIn("--format", msg)

    def test_the_mixed_sample_event(self):
        msg = self.error(read("events/clicks-mixed.json"))
        self.assertIn("mixed shapes", msg)
        self.assertIn("not valid base64", msg)

    def test_format_picks_one_shape_of_a_mixed_sample(self):
        lay = layout([{"a": 1}, b"plain"], fmt="json")
        self.assertEqual(lay.format, "json")
        self.assertTrue(any("dead-letters" in n for n in lay.notes))
        self.assertEqual(layout([{"a": 1}, b"plain"], fmt="text").format, "text")

    def test_mixed_streams(self):
        recs = json.loads(event([{"a": 1}]))["Records"] + json.loads(
            event([{"a": 2}], arn="arn:aws:kinesis:eu-west-1:123456789012:stream/other"))["Records"]
        self.assertIn("mixes 2 streams", self.error(json.dumps({"Records": recs})))

    def test_record_without_data(self):
        self.assertIn("no kinesis.data", self.error(json.dumps({"Records": [{"kinesis": {}}]})))

    def test_nothing_decodes(self):
        recs = [{"kinesis": {"data": "not base64!"}, "eventSourceARN": ARN}]
        self.assertIn("not valid base64", self.error(json.dumps({"Records": recs})))

    def test_byte_order_mark_is_accepted(self):
        self.assertEqual(len(ci.records_from_event("\ufeff" + event([{"a": 1}]))), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2 if "-v" in sys.argv else 1, argv=[sys.argv[0]])
