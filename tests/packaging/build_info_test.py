#!/usr/bin/env python3
"""The zip says what it bundles, and it is what this machine has installed.

    build_info_test.py ZIP

./dev package writes the zip (the test phase fetches nothing). Checks its
bin/BUILD-INFO:
  * one line per bundled library: glibc, libstdc++, OpenSSL, zlib, libzstd,
    liblz4 (Debian's static archives) and libcurl, simdjson (built from
    Debian source packages);
  * each line's installed version is the version dpkg reports now (a zip
    made before a package upgrade is stale and fails here);
  * a static archive always comes from the installed version; a source
    build says `same` exactly when its source version equals the installed
    one, and `DIFFERS` otherwise (a fallback to another Debian revision of
    the same upstream version, which packaging/package also warns about);
  * the zip is at most 4 MB.
"""
import os
import subprocess
import sys
import zipfile

LIMIT = 4 * 1000 * 1000
# source package -> (the installed package whose version it must carry, how it is bundled)
EXPECTED = {
    "glibc": ("libc6-dev", "static"),
    "gcc-12": ("libstdc++-12-dev", "static"),
    "openssl": ("libssl-dev", "static"),
    "zlib": ("zlib1g-dev", "static"),
    "libzstd": ("libzstd-dev", "static"),
    "lz4": ("liblz4-dev", "static"),
    "curl": ("libcurl4-openssl-dev", "source"),
    "simdjson": ("libsimdjson-dev", "source"),
}


def upstream(v):
    v = v.split(":", 1)[-1]
    return v.rsplit("-", 1)[0] if "-" in v else v


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    zip_path = sys.argv[1]
    if not os.path.isfile(zip_path):
        print(f"FAIL: {zip_path} is missing: ./dev package (run by ./dev test) makes it", file=sys.stderr)
        return 1
    failures = []
    size = os.path.getsize(zip_path)
    if size > LIMIT:
        failures.append(f"{zip_path}: {size} bytes, over the {LIMIT}-byte limit")
    with zipfile.ZipFile(zip_path) as z:
        try:
            text = z.read("bin/BUILD-INFO").decode()
        except KeyError:
            print("FAIL: bin/BUILD-INFO missing from the zip", file=sys.stderr)
            return 1
    print(text, end="")
    seen = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split()
        if len(f) != 6 or f[3] != "installed" or f[5] not in ("same", "DIFFERS"):
            failures.append(f"malformed line: {line!r}")
            continue
        seen[f[0]] = f
    for source, (package, how) in EXPECTED.items():
        if source not in seen:
            failures.append(f"{source} is not listed")
            continue
        _, got_how, version, _, installed, verdict = seen[source]
        now = subprocess.run(["dpkg-query", "-W", "-f=${source:Version}", package], capture_output=True,
                             text=True, check=True).stdout
        if got_how != how:
            failures.append(f"{source}: bundled as {got_how}, expected {how}")
        if installed != now:
            failures.append(f"{source}: zip made with {package} {installed}, installed now {now}: stale zip")
        if how == "static" and version != installed:
            failures.append(f"{source}: a static archive from {version}, installed {installed}")
        if (verdict == "same") != (version == installed):
            failures.append(f"{source}: says {verdict} for {version} vs {installed}")
        if upstream(version) != upstream(installed):
            failures.append(f"{source}: upstream {upstream(version)} differs from {upstream(installed)}")
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
