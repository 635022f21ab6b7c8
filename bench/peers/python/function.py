"""The Kinesis → ClickHouse job as a Python user writes it, for the
side-by-side bench (bench/peers/side_by_side.py); never part of the
function's zip.

Its own Runtime API loop; per batch: one SigV4-signed DynamoDB GetItem for the
route (no cache), base64 + json.loads per record, the Kinesis metadata
columns added, and one JSONEachRow INSERT over a kept-alive connection.
Python 3 standard library only. Any failure fails the whole invocation (no
dead letters, no batchItemFailures).
"""
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import urllib.parse

env = os.environ
REGION = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")


class Connection:
    """One kept-alive HTTP connection to a host, opened again when it dropped."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host = u.netloc
        self.cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = self.cls(self.host)
            try:
                self.conn.request(method, path, body, headers or {})
                r = self.conn.getresponse()
                return r.status, r, r.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise


runtime = Connection("http://" + env["AWS_LAMBDA_RUNTIME_API"])
clickhouse = Connection(env["CLICKHOUSE_URL"])
dynamo_url = (env.get("AWS_ENDPOINT_URL_DYNAMODB") or env.get("AWS_ENDPOINT_URL")
              or f"https://dynamodb.{REGION}.amazonaws.com")
dynamo = Connection(dynamo_url)


def sign(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signed_headers(target, body):
    """AWS Signature Version 4 for one DynamoDB JSON call (POST /)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    headers = {"content-type": "application/x-amz-json-1.0", "host": dynamo.host,
               "x-amz-date": date, "x-amz-target": target}
    if env.get("AWS_SESSION_TOKEN"):
        headers["x-amz-security-token"] = env["AWS_SESSION_TOKEN"]
    names = sorted(headers)
    signed = ";".join(names)
    canonical = "\n".join(["POST", "/", "", "".join(f"{n}:{headers[n]}\n" for n in names),
                           signed, hashlib.sha256(body).hexdigest()])
    scope = f"{day}/{REGION}/dynamodb/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + env["AWS_SECRET_ACCESS_KEY"]).encode()
    for part in (day, REGION, "dynamodb", "aws4_request"):
        key = sign(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={env['AWS_ACCESS_KEY_ID']}/{scope}, "
                                f"SignedHeaders={signed}, Signature={signature}")
    return headers


def route(stream_arn):
    body = json.dumps({"TableName": env["ROUTES_TABLE"],
                       "Key": {"stream_arn": {"S": stream_arn}}}).encode()
    status, _, answer = dynamo.request("POST", "/", body,
                                       signed_headers("DynamoDB_20120810.GetItem", body))
    if status != 200:
        raise RuntimeError(f"DynamoDB {status}: {answer.decode()}")
    item = json.loads(answer).get("Item")
    if not item:
        raise RuntimeError(f"no route for {stream_arn}")
    database = item["database"]["S"] if "database" in item else env.get("CLICKHOUSE_DATABASE", "default")
    return database, item["table"]["S"]


def insert(database, table, rows):
    query = urllib.parse.urlencode({"query": f"INSERT INTO `{database}`.`{table}` FORMAT JSONEachRow",
                                    "input_format_skip_unknown_fields": "1"})
    status, _, answer = clickhouse.request("POST", "/?" + query, rows, {
        "X-ClickHouse-User": env.get("CLICKHOUSE_USER", "default"),
        "X-ClickHouse-Key": env.get("CLICKHOUSE_PASSWORD", "")})
    if status != 200:
        raise RuntimeError(f"ClickHouse {status}: {answer.decode()}")


def handle(event):
    records = event["Records"]
    if not records:
        return {"batchItemFailures": []}
    database, table = route(records[0]["eventSourceARN"])  # a batch comes from one shard
    rows = []
    for r in records:
        k = r["kinesis"]
        row = json.loads(base64.b64decode(k["data"]))
        # ClickHouse 18.16's JSONEachRow reads DateTime as text or Unix seconds, Decimal unquoted.
        row["event_time"] = int(datetime.datetime.fromisoformat(row["event_time"]).timestamp())
        row["price"] = float(row["price"])
        row["_stream_arn"] = r["eventSourceARN"]
        row["_shard_id"] = r["eventID"].split(":")[0]
        row["_sequence_number"] = k["sequenceNumber"]
        row["_partition_key"] = k["partitionKey"]
        row["_approximate_arrival_timestamp"] = int(k["approximateArrivalTimestamp"])
        rows.append(json.dumps(row, separators=(",", ":")))
    insert(database, table, "\n".join(rows).encode())
    print(json.dumps({"table": f"{database}.{table}", "records": len(rows)}), flush=True)
    return {"batchItemFailures": []}


def main():
    prefix = "/2018-06-01/runtime/invocation/"
    while True:
        _, r, event = runtime.request("GET", prefix + "next")
        request_id = r.getheader("Lambda-Runtime-Aws-Request-Id")
        try:
            kind, answer = "response", json.dumps(handle(json.loads(event)))
        except Exception as e:  # the invocation fails, the process keeps serving
            kind, answer = "error", json.dumps({"errorMessage": str(e), "errorType": type(e).__name__})
        runtime.request("POST", f"{prefix}{request_id}/{kind}", answer.encode(),
                        {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
