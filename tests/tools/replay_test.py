#!/usr/bin/env python3
"""tools/replay.py's event loading: event files written on Windows start
with a UTF-8 byte-order mark, which the replay tool drops before the
emulator hands the event to bootstrap (Lambda never sends one)."""
import importlib.util
import json
import os
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("replay", os.path.join(ROOT, "tools/replay.py"))
replay = importlib.util.module_from_spec(spec)
spec.loader.exec_module(replay)

BOM = b"\xef\xbb\xbf"
EVENT = {"Records": [{"kinesis": {"data": "e30=", "sequenceNumber": "1", "partitionKey": "p"},
                      "eventSource": "aws:kinesis", "eventSourceARN": "arn:aws:kinesis:eu-west-1:1:stream/s"}]}


class EventLoading(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name, data):
        path = os.path.join(self.dir.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def staged(self, *paths):
        out = os.path.join(self.dir.name, "staged")
        os.mkdir(out)
        return replay.stage_events(list(paths), out)

    def test_event_with_byte_order_mark_is_handed_on_as_json_without_it(self):
        path = self.write("kinesis-event.json", BOM + json.dumps(EVENT, indent=2).encode())
        [staged] = self.staged(path)
        with open(staged, "rb") as f:
            data = f.read()
        self.assertFalse(data.startswith(BOM))
        self.assertEqual(json.loads(data), EVENT)

    def test_staged_copy_keeps_the_file_name(self):
        a = self.write("a.json", BOM + b"{}")
        os.mkdir(os.path.join(self.dir.name, "other"))
        b = self.write(os.path.join("other", "a.json"), BOM + b"[]")
        staged = self.staged(a, b)
        self.assertEqual([os.path.basename(p) for p in staged], ["a.json", "a.json"])
        self.assertNotEqual(staged[0], staged[1])

    def test_event_without_byte_order_mark_is_passed_as_it_is(self):
        path = self.write("plain.json", json.dumps(EVENT).encode())
        self.assertEqual(self.staged(path), [path])

    def test_only_a_leading_byte_order_mark_is_dropped(self):
        body = b'{"note":"\xef\xbb\xbf"}'
        path = self.write("inner.json", BOM + body)
        self.assertEqual(replay.load_event(path), body)

    def test_unreadable_event_is_left_to_the_emulator(self):
        missing = os.path.join(self.dir.name, "missing.json")
        self.assertEqual(self.staged(missing), [missing])


if __name__ == "__main__":
    sys.exit(unittest.main())
