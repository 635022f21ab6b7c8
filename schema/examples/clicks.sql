-- Page views, fed by the stream in events/clicks-*.json.
CREATE TABLE IF NOT EXISTS clicks (
    ts DateTime,
    day Date,
    user_id Int64,
    session Nullable(String),
    page String,
    duration_ms UInt32,
    score Float32,
    referrer Nullable(String),
    _sequence_number String
) ENGINE = MergeTree
ORDER BY (day, user_id, ts)
