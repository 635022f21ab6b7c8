#!/usr/bin/env python3
"""Lambda cost per million events, from the measured time per batch.

    bench/cost.py [--measure BOOTSTRAP] [--cpu-ms 100=0.2,1000=0.7] [--wait-ms 100=3.0,1000=3.6]
                  [--remote-wait-ms 50]

Prints the README's cost table (Markdown). The model, per batch of B records
at memory M MB:

  billed ms  = ceil(cpu_ms(B) * 1769 / M + wait_ms(B))
  $/million  = (10^6 / B) * (request price + billed ms / 1000 * M / 1024 * GB-second price)

cpu_ms(B) is the function's own CPU time per batch (its log line), measured
on a full core: below 1,769 MB Lambda gives a function that share of one
vCPU, so CPU time stretches by 1769 / M (assumed linear, as AWS documents
the share). wait_ms(B) is the rest of the batch's wall time, mostly waiting
for ClickHouse's answer: measured against the local 18.16, and also shown at
an assumed --remote-wait-ms for a ClickHouse across the network.
--measure runs bench/end_to_end.py for B = 100 and 1,000 and takes its
medians (wait = wall - CPU).
"""
import argparse
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# AWS Lambda, x86, US East (N. Virginia), first pricing tier; taken 2026-12-01
# from the stored copies of aws.amazon.com/lambda/pricing and of the AWS
# whitepaper "How AWS Pricing Works" (docs/performance.md#cost-per-million-events).
REQUEST_PRICE = 0.20 / 1e6
GB_SECOND_PRICE = 0.0000166667
FULL_VCPU_MB = 1769
# Amazon Data Firehose -> S3 -> Athena, the published figure: $0.10 a month
# for 700,000 events of 1 kB (each record billed as 5 KB: 3.5 GB ingested).
FIREHOSE_PER_MILLION = 0.10 / 0.7


def pairs(text):
    return {int(k): float(v) for k, v in (p.split("=") for p in text.split(","))}


def measure(bootstrap):
    cpu, wait = {}, {}
    for n in (100, 1000):
        out = subprocess.run([sys.executable, os.path.join(HERE, "end_to_end.py"), bootstrap,
                              "--records", str(n), "--invocations", "40", "--compression", "none"],
                             capture_output=True, text=True, check=True).stdout
        wall = float(re.search(r"median ([0-9.]+) ms, min", out)[1])
        c = float(re.search(r"CPU time: median ([0-9.]+) ms per batch", out)[1])
        cpu[n], wait[n] = c, max(0.0, wall - c)
        print(f"measured B={n}: wall median {wall} ms, CPU {c} ms", file=sys.stderr)
    return cpu, wait


def per_million(batch, memory, cpu_ms, wait_ms):
    billed = math.ceil(cpu_ms * FULL_VCPU_MB / memory + wait_ms)
    invocations = 1e6 / batch
    return billed, invocations * (REQUEST_PRICE + billed / 1000 * memory / 1024 * GB_SECOND_PRICE)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--measure", metavar="BOOTSTRAP")
    ap.add_argument("--cpu-ms", default="100=0.2,1000=0.7")
    ap.add_argument("--wait-ms", default="100=3.0,1000=3.6")
    ap.add_argument("--remote-wait-ms", type=float, default=50.0)
    a = ap.parse_args()
    cpu, wait = measure(a.measure) if a.measure else (pairs(a.cpu_ms), pairs(a.wait_ms))
    print(f"| batch | memory | CPU ms per batch at this memory | billed ms, local wait | $ per million events "
          f"| billed ms, {a.remote_wait_ms:g} ms wait | $ per million events |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for batch in (100, 1000):
        for memory in (128, 256, 512):
            local_ms, local = per_million(batch, memory, cpu[batch], wait[batch])
            remote_ms, remote = per_million(batch, memory, cpu[batch], a.remote_wait_ms)
            print(f"| {batch:,} | {memory} MB | {cpu[batch] * FULL_VCPU_MB / memory:.1f} | {local_ms} | "
                  f"${local:.5f} | {remote_ms} | ${remote:.5f} |")
    print(f"| Firehose → S3 → Athena | | | | ${FIREHOSE_PER_MILLION:.3f} (Firehose ingestion alone) | | |")


if __name__ == "__main__":
    main()
