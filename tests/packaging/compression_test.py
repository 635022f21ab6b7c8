#!/usr/bin/env python3
"""The zip's own libzstd and liblz4 compress exactly as Debian's do.

    compression_test.py COMPRESSION_PREFIX

packaging/package builds both libraries compression-only from Debian's source
packages into COMPRESSION_PREFIX, the match finders of the levels the function
does not use at -Os. compression_frames.c, linked once against those archives
and once against Debian's libzstd.a and liblz4.a, compresses the payloads of
a 2,000-record orders batch (tools/make_events.py, about 0.5 MB of JSON) at
every zstd level (-5..22) and every LZ4 frame level (0..12, linked and
independent blocks). Checks:
  * both builds write byte-identical frames at every level;
  * every frame decodes to the input with Debian's zstd and lz4 tools.
The zip's binary itself is checked end to end, at the function's levels, by
chroot_test.py.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def debian_archive(name):
    path = subprocess.run(["gcc", "-print-file-name=" + name], capture_output=True, text=True,
                          check=True).stdout.strip()
    if not os.path.isabs(path):
        fail(f"{name} not found (libzstd-dev and liblz4-dev ship it)")
    return path


def build_and_run(tmp, label, include, archives, payloads):
    exe = os.path.join(tmp, "frames-" + label)
    cmd = ["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", exe,
           os.path.join(HERE, "compression_frames.c")] + include + archives
    subprocess.run(cmd, check=True)
    out = os.path.join(tmp, label)
    os.makedirs(out)
    subprocess.run([exe, out, payloads], check=True)
    return out


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    prefix = os.path.abspath(sys.argv[1])
    for lib in ("libzstd.a", "liblz4.a"):
        if not os.path.isfile(os.path.join(prefix, "lib", lib)):
            fail(f"{prefix}/lib/{lib} is missing: the package_zip fixture builds it")
    for tool in ("zstd", "lz4"):
        if shutil.which(tool) is None:
            fail(f"{tool} is not installed (./dev deps installs it)")

    with tempfile.TemporaryDirectory(prefix="k2c-compression-") as tmp:
        events = os.path.join(tmp, "events")
        os.makedirs(events)
        subprocess.run([sys.executable, os.path.join(SOURCE, "tools/make_events.py"), "--orders",
                        "2000", "--out", events], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(events, "orders-batch.json")) as f:
            records = json.load(f)["Records"]
        payloads = os.path.join(tmp, "payloads.json")
        with open(payloads, "wb") as f:
            for r in records:
                f.write(base64.b64decode(r["kinesis"]["data"]) + b"\n")
        with open(payloads, "rb") as f:
            data = f.read()

        ours = build_and_run(tmp, "package", ["-I", os.path.join(prefix, "include")],
                             [os.path.join(prefix, "lib", "libzstd.a"),
                              os.path.join(prefix, "lib", "liblz4.a")], payloads)
        debian = build_and_run(tmp, "debian", [],
                               [debian_archive("libzstd.a"), debian_archive("liblz4.a"), "-pthread"],
                               payloads)
        names = sorted(os.listdir(ours))
        # zstd -5..-1 and 1..22, LZ4 frame 0..12 twice.
        if names != sorted(os.listdir(debian)) or len(names) != 5 + 22 + 2 * 13:
            fail(f"unexpected frame sets: {names} / {sorted(os.listdir(debian))}")
        problems = []
        for name in names:
            with open(os.path.join(ours, name), "rb") as f:
                frame = f.read()
            with open(os.path.join(debian, name), "rb") as f:
                if f.read() != frame:
                    problems.append(f"{name}: differs from Debian's libraries' frame")
            tool = "zstd" if name.endswith(".zst") else "lz4"
            r = subprocess.run([tool, "-dc", os.path.join(ours, name)], capture_output=True)
            if r.returncode != 0 or r.stdout != data:
                problems.append(f"{name}: {tool} -dc gives {len(r.stdout)} bytes, exit "
                                f"{r.returncode}: {r.stderr.decode().strip()}")
        if problems:
            fail("\n  ".join(["frames of the package's libzstd/liblz4:"] + problems))
        sizes = {n: os.path.getsize(os.path.join(ours, n)) for n in names}
        print(f"ok: {len(names)} frames of {len(data)} bytes identical to Debian's libraries and "
              f"decoded by zstd/lz4 (zstd 1: {sizes['zstd+1.zst']} bytes, lz4 0 independent: "
              f"{sizes['lz4-independent-0.lz4']} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
