#!/usr/bin/env python3
"""Seeds the record-path fuzzer's corpus (tools/fuzz_record.cc).

    fuzz_seed.py OUT_DIR [EVENT_DIR...]

Every Kinesis record data found in the JSON files under the given folders
(default: events/ and ../shared/fixtures/external: Lambda events, and the
test-vector files' base64 strings) becomes one corpus file: a 0x00 byte then
the decoded data, and, for one in four, a 0x80 byte then the base64 text as
it was (so the fuzzer mutates the decoder's input too).
"""
import base64
import glob
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def strings(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k in ("data", "input", "kinesis_data_base64") and isinstance(v, str):
                yield v
            else:
                yield from strings(v)
    elif isinstance(o, list):
        for x in o:
            yield from strings(x)


def main():
    out = sys.argv[1]
    dirs = sys.argv[2:] or [os.path.join(ROOT, "events"), os.path.join(ROOT, "..", "shared", "fixtures", "external")]
    os.makedirs(out, exist_ok=True)
    n = 0
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(d, "**", "*.json"), recursive=True)):
            try:
                with open(path, "rb") as f:
                    doc = json.loads(f.read().lstrip(b"\xef\xbb\xbf"))
            except (OSError, ValueError):
                continue
            for i, text in enumerate(strings(doc)):
                clean = text.replace("\n", "").replace("\r", "")
                try:
                    data = base64.b64decode(clean + "=" * (-len(clean) % 4), validate=True)
                except ValueError:
                    continue
                seeds = [b"\x00" + data]
                if i % 4 == 0:
                    seeds.append(b"\x80" + text.encode())
                for s in seeds:
                    name = hashlib.sha1(s).hexdigest()
                    with open(os.path.join(out, name), "wb") as f:
                        f.write(s)
                    n += 1
    print(f"{n} seeds in {out}")


if __name__ == "__main__":
    main()
