"""ClickHouse over HTTP for the local tools: statements, queries, readable tables.

Standard library only. Used by tools/replay.py, tools/sql.py (./dev sql) and
tools/connect.py. A query's answer is read as JSONCompact (ClickHouse 18.16
and every later server write it), and printed as an aligned text table.
"""
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class QueryError(Exception):
    pass


def statements(text):
    """SQL text -> statements, split at ';' outside quotes; '--' comments dropped."""
    out, cur, i, quote = [], [], 0, None
    while i < len(text):
        c = text[i]
        if quote:
            cur.append(c)
            if c == "\\" and i + 1 < len(text):
                cur.append(text[i + 1])
                i += 1
            elif c == quote:
                quote = None
        elif c in "'`\"":
            quote = c
            cur.append(c)
        elif text.startswith("--", i):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        elif c == ";":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return [s.strip() for s in out if s.strip()]


def query(url, sql, user=None, password=None, database=None, timeout=30):
    """POSTs one statement; returns the answer's text, raises QueryError with the server's message."""
    params = {"database": database} if database else {}
    target = url.rstrip("/") + "/" + ("?" + urllib.parse.urlencode(params) if params else "")
    req = urllib.request.Request(target, data=sql.encode(), method="POST")
    if user:
        req.add_header("X-ClickHouse-User", user)
    if password:
        req.add_header("X-ClickHouse-Key", password)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.read().decode()
    except urllib.error.HTTPError as e:
        raise QueryError(e.read().decode().strip()) from None
    except (urllib.error.URLError, OSError) as e:
        raise QueryError(f"cannot reach ClickHouse at {url}: {e}") from None


def has_format(sql):
    return re.search(r"\bFORMAT\s+\w+\s*;?\s*$", sql, flags=re.I) is not None


def select(url, sql, **kw):
    """-> (names, types, rows, totals or None) of a SELECT; numbers as text, exactly as the server wrote them."""
    text = query(url, sql.rstrip().rstrip(";") + "\nFORMAT JSONCompact", **kw)
    doc = json.loads(text, parse_float=str, parse_int=str)  # numbers as the server wrote them
    names = [m["name"] for m in doc["meta"]]
    types = [m["type"] for m in doc["meta"]]
    return names, types, doc["data"], doc.get("totals")


NUMERIC = re.compile(r"^(Nullable\()?(U?Int\d+|Float\d+|Decimal)")


def cell(v):
    if v is None:
        return "NULL"
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    return str(v)


def render(names, types, rows, totals=None, max_width=60):
    """An aligned text table: numbers right-aligned, long values cut with '…'."""
    def fit(s):
        s = s.replace("\n", "\\n").replace("\t", "\\t")
        return s if len(s) <= max_width else s[:max_width - 1] + "…"

    body = [[fit(cell(v)) for v in r] for r in rows]
    foot = [fit(cell(v)) for v in totals] if totals else None
    widths = [max([len(n)] + [len(r[i]) for r in body] + ([len(foot[i])] if foot else []))
              for i, n in enumerate(names)]
    right = [bool(NUMERIC.match(t)) for t in types]

    def line(vals):
        return "  ".join(v.rjust(w) if r else v.ljust(w) for v, w, r in zip(vals, widths, right)).rstrip()

    out = [line(names), line(["-" * w for w in widths])]
    out += [line(r) for r in body]
    if foot:
        out += [line(["-" * w for w in widths]), line(foot)]
    n = len(rows)
    out.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(out)


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v
    return env


def _alive(pid):
    try:
        os.kill(int(pid), 0)
        return True
    except (ValueError, ProcessLookupError, PermissionError):
        return False


def running_servers(dirs=None):
    """The env of the first local servers that are up: ./dev up's, then ./dev replay --keep's."""
    dirs = dirs or [os.path.join(ROOT, "build/servers"), os.path.join(ROOT, "build/replay-servers")]
    for d in dirs:
        path = os.path.join(d, "env")
        if not os.path.exists(path):
            continue
        env = read_env(path)
        if _alive(env.get("K2C_CLICKHOUSE_PID", "")):
            try:
                query(env["K2C_CLICKHOUSE_URL"], "SELECT 1", timeout=3)
                return env
            except QueryError:
                continue
    return None


def server_version(url, **kw):
    return query(url, "SELECT version()", **kw).strip()


def type_families(url, **kw):
    """The data type names the server knows (system.data_type_families, 18.16 and later)."""
    text = query(url, "SELECT name FROM system.data_type_families FORMAT TSV", **kw)
    return set(text.split())

