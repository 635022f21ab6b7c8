-- App telemetry: the variant that ClickHouse 18.16 runs.
--
-- VARIANT: ClickHouse 18.16 (Debian's, the local server of ./dev replay and the
-- tests; created for real by tests/integration/seed_test.py). For current
-- ClickHouse use telemetry.sql. What 18.16 lacks, and what stands in:
--   - no JSON type: payload stays String, its keys are read with extract()
--     and a regular expression, in MATERIALIZED columns and in the view below.
--     18.16 has no JSONExtract*, and its visitParamExtract* want no space
--     after ':', which this producer writes ({"dvce_os": "..."});
--   - no DateTime64: tstamp is DateTime, its microseconds are dropped;
--   - no TTL, no codecs; LowCardinality needs allow_experimental_low_cardinality_type=1.
--
-- Fed by the stream app-telemetry (routes.json); sample events/app-telemetry.json
-- (tools/seed_events.py). An event: {"name": "anonymous_visited",
-- "tstamp": "2026-11-30 14:27:52.000000", "payload": "{\"dvce_os\": ...}",
-- "payload_md5": "..."}. Producers resend some events: the table keeps every
-- row, and distinct events are counted by payload_md5.
-- Statements end with ';' at the end of a line (tools/replay.py splits there).

CREATE DATABASE IF NOT EXISTS telemetry;

CREATE TABLE IF NOT EXISTS telemetry.app_events (
    name LowCardinality(String),            -- anonymous_visited, account_created, measurement_recorded
    tstamp DateTime,
    payload String,                         -- JSON text, as the producer sent it
    payload_md5 FixedString(32),            -- hex MD5 of payload: the event's identity
    session_id String MATERIALIZED extract(payload, '"session_id": *"([^"]*)"'),
    dvce_os String MATERIALIZED extract(payload, '"dvce_os": *"([^"]*)"'),
    _shard_id String,
    _sequence_number String,
    _approximate_arrival_timestamp DateTime
) ENGINE = MergeTree
PARTITION BY toYYYYMM(tstamp)
ORDER BY (name, tstamp, payload_md5);

-- The payload's keys as columns.
CREATE VIEW IF NOT EXISTS telemetry.app_events_parsed AS
SELECT name, tstamp, payload_md5, session_id, dvce_os,
       extract(payload, '"plan": *"([^"]*)"') AS plan,
       extract(payload, '"metric": *"([^"]*)"') AS metric,
       toFloat64OrZero(extract(payload, '"value": *(-?[0-9.eE+]+)')) AS value
FROM telemetry.app_events;
