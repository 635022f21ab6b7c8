#!/usr/bin/env python3
"""./dev sql: a query against the local ClickHouse, printed as a table.

    ./dev sql 'SELECT ...' ['SHOW TABLES FROM shop' ...] [--database DB] [--url URL]
    echo 'SELECT 1' | ./dev sql -

The server is the one ./dev up started (build/servers), else the one
`./dev replay --keep` left running (build/replay-servers), else --url.
SELECT, WITH, SHOW, DESCRIBE, EXISTS and EXPLAIN answers are printed as an
aligned table; a query that names its own FORMAT is printed as the server
wrote it; other statements (CREATE, INSERT ..., DROP) print "ok".
"""
import argparse
import os
import signal
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chsql  # noqa: E402

TABULAR = re.compile(r"^\s*(\(\s*)*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXISTS|EXPLAIN)\b", re.I)


def run(url, sql, database=None, out=sys.stdout):
    if chsql.has_format(sql) or not TABULAR.match(sql):
        text = chsql.query(url, sql, database=database)
        out.write(text if text else "ok\n")
        return
    print(chsql.render(*chsql.select(url, sql, database=database)), file=out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("sql", nargs="+", help="statements, one per argument or separated by ';' ('-': stdin)")
    ap.add_argument("--database", help="default database for the statements")
    ap.add_argument("--url", help="ClickHouse HTTP URL (default: the local servers)")
    a = ap.parse_args(argv)
    url = a.url
    if not url:
        env = chsql.running_servers()
        if not env:
            print("no local ClickHouse is running: start one with ./dev up, or keep the replay's "
                  "with ./dev replay --keep (or pass --url)", file=sys.stderr)
            return 2
        url = env["K2C_CLICKHOUSE_URL"]
    texts = [sys.stdin.read() if s == "-" else s for s in a.sql]
    statements = [st for t in texts for st in (chsql.statements(t) or [])]
    if not statements:
        print("no statement given", file=sys.stderr)
        return 2
    for i, st in enumerate(statements):
        if len(statements) > 1:
            print(("\n" if i else "") + "-- " + " ".join(st.split())[:100])
        try:
            run(url, st, a.database)
        except chsql.QueryError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends it quietly
    sys.exit(main())
