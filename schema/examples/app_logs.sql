-- Lambda logs from a CloudWatch Logs subscription filter, fed by
-- events/cloudwatch-logs.json: one row per log event. JSON log lines also
-- fill the columns named like their keys (level, order_id, ms); plain lines
-- only the _log_* and _message columns. Control messages write nothing.
-- Works on ClickHouse 18.16 and current servers.
CREATE TABLE IF NOT EXISTS app_logs (
    _log_timestamp DateTime,  -- DateTime64(3) keeps the milliseconds on servers that have it (19.1+)
    _log_group String,
    _log_stream String,
    _log_owner String,
    _log_event_id String,
    _message String,
    level Nullable(String),
    order_id Nullable(String),
    ms Nullable(UInt32)
) ENGINE = MergeTree
ORDER BY (_log_group, _log_timestamp)
