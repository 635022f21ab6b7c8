#!/usr/bin/env python3
"""SPEC §1: nothing in build/function.zip needs anything from the host.

    zip_contents_test.py ZIP

  * layout: an executable `bootstrap` at the root, bin/bootstrap.bin, the CA
    directory certs/ (c_rehash names, PEM, regular files), ssl/openssl.cnf; no
    symlinks, everything world-readable;
  * every ELF is x86-64; an ELF with a program interpreter must name one
    inside the zip, and every DT_NEEDED must be a file inside the zip (the
    zip brings its glibc or none: then no GLIBC_ symbol version of the host
    is ever asked for, whatever the host's glibc, 2.26 on provided.al2);
  * the ELF ABI note asks for no kernel newer than Lambda's oldest (4.14);
  * the unzipped bootstrap runs with an empty environment (no PATH, no
    AWS_LAMBDA_RUNTIME_API) and says why it cannot serve, exit status 1.
"""
import os
import stat
import struct
import subprocess
import sys
import tempfile
import zipfile

EM_X86_64 = 62
PT_DYNAMIC, PT_INTERP, PT_LOAD, PT_NOTE = 2, 3, 1, 4
DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def elf_facts(data):
    """(machine, interpreter or None, [DT_NEEDED], ABI-tag kernel or None)."""
    if data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF")
    e_machine = struct.unpack_from("<H", data, 18)[0]
    e_phoff, = struct.unpack_from("<Q", data, 32)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    phdrs = []
    for i in range(e_phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz, _memsz, _align = struct.unpack_from(
            "<IIQQQQQQ", data, e_phoff + i * e_phentsize)
        phdrs.append((p_type, p_offset, p_vaddr, p_filesz))

    def vaddr_to_offset(addr):
        for p_type, off, vaddr, filesz in phdrs:
            if p_type == PT_LOAD and vaddr <= addr < vaddr + filesz:
                return off + addr - vaddr
        raise ValueError(f"address {addr:#x} not in any PT_LOAD")

    interp, needed, kernel = None, [], None
    for p_type, off, _vaddr, filesz in phdrs:
        if p_type == PT_INTERP:
            interp = data[off:off + filesz].rstrip(b"\0").decode()
        elif p_type == PT_DYNAMIC:
            entries, strtab = [], None
            for j in range(0, filesz, 16):
                tag, val = struct.unpack_from("<qQ", data, off + j)
                if tag == DT_NULL:
                    break
                entries.append((tag, val))
                if tag == DT_STRTAB:
                    strtab = vaddr_to_offset(val)
            for tag, val in entries:
                if tag == DT_NEEDED:
                    end = data.index(b"\0", strtab + val)
                    needed.append(data[strtab + val:end].decode())
        elif p_type == PT_NOTE:
            j = off
            while j + 12 <= off + filesz:
                namesz, descsz, ntype = struct.unpack_from("<III", data, j)
                name = data[j + 12:j + 12 + namesz]
                desc_at = j + 12 + ((namesz + 3) & ~3)
                if name == b"GNU\0" and ntype == 1 and descsz >= 16:  # NT_GNU_ABI_TAG
                    os_, major, minor, patch = struct.unpack_from("<IIII", data, desc_at)
                    if os_ == 0:
                        kernel = (major, minor, patch)
                j = desc_at + ((descsz + 3) & ~3)
    return e_machine, interp, needed, kernel


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    zip_path = sys.argv[1]
    if not os.path.isfile(zip_path):
        print(f"FAIL: {zip_path} is missing: the package_zip fixture builds it", file=sys.stderr)
        return 1

    with zipfile.ZipFile(zip_path) as z:
        infos = {i.filename: i for i in z.infolist()}
        for name, info in infos.items():
            mode = info.external_attr >> 16
            if mode:
                check(not stat.S_ISLNK(mode), f"{name} is a symlink")
                check(info.is_dir() or mode & 0o444 == 0o444, f"{name} is not world-readable")
        for exe in ("bootstrap", "bin/bootstrap.bin"):
            if check(exe in infos, f"{exe} missing from the zip"):
                check((infos[exe].external_attr >> 16) & 0o111 == 0o111, f"{exe} is not executable")
        check("ssl/openssl.cnf" in infos, "ssl/openssl.cnf missing")
        certs = [n for n in infos if n.startswith("certs/") and not n.endswith("/")]
        check(len(certs) > 100, f"only {len(certs)} CA certificates")
        for n in certs:
            base = os.path.basename(n)
            h, _, idx = base.partition(".")
            check(len(h) == 8 and all(c in "0123456789abcdef" for c in h) and idx.isdigit(),
                  f"{n}: not a c_rehash name")
            check(z.read(n).startswith(b"-----BEGIN CERTIFICATE-----"), f"{n}: not PEM")

        names = set(infos)
        elves = 0
        for name in sorted(names):
            if name.endswith("/"):
                continue
            data = z.read(name)
            if not data.startswith(b"\x7fELF"):
                continue
            elves += 1
            machine, interp, needed, kernel = elf_facts(data)
            check(machine == EM_X86_64, f"{name}: e_machine {machine}, not x86-64")
            if interp is not None:
                check(not interp.startswith("/") and interp in names,
                      f"{name}: program interpreter {interp} is not inside the zip")
            for lib in needed:
                here = [n for n in names if os.path.basename(n) == lib]
                check(here, f"{name}: needs {lib}, which is not inside the zip (the host's would be used)")
            if kernel:
                check(kernel <= (4, 14, 0), f"{name}: needs Linux {kernel}, newer than Lambda's 4.14")
            kind = "static" if interp is None and not needed else f"interp={interp} needed={needed}"
            print(f"{name}: {len(data)} bytes, {kind}, kernel>={kernel}")
        check(elves >= 2, "fewer than two ELF files in the zip")

    with tempfile.TemporaryDirectory(prefix="k2c-zip-") as tmp:
        subprocess.run(["unzip", "-q", zip_path, "-d", tmp], check=True)
        r = subprocess.run([os.path.join(tmp, "bootstrap")], env={}, capture_output=True, text=True,
                           timeout=10)
        check(r.returncode == 1 and "AWS_LAMBDA_RUNTIME_API is not set" in r.stderr,
              f"unzipped bootstrap with an empty environment: exit {r.returncode}, {r.stderr!r}")

    print(f"{zip_path}: {os.path.getsize(zip_path)} bytes")
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
