-- Web server access log lines, fed by events/text-lines.json on a route with
-- format "text": every record is one row, never parsed as JSON, with the
-- line in _raw.
-- Works on ClickHouse 18.16 and current servers.
CREATE TABLE IF NOT EXISTS access_log (
    _approximate_arrival_timestamp DateTime,
    _partition_key String,
    _sequence_number String,
    _raw String
) ENGINE = MergeTree
ORDER BY (_approximate_arrival_timestamp, _sequence_number)
