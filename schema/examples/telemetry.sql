-- App telemetry: the layout for current ClickHouse.
--
-- VARIANT: current ClickHouse (25.3 and later, where the JSON type is
-- production-ready; written against the ClickHouse documentation of 2026).
-- Verified on ClickHouse 26.7 (chDB) by the CTest test seed_workloads_26_7
-- (tests/integration/seed_test.py on the k2c_modern fixture): created as
-- written, the sample landed through the real bootstrap, payload_json and the
-- view app_events_parsed read, the seed question answered as on 18.16.
-- The local tools' 18.16 server runs telemetry.18.16.sql (payload as String read with visitParamExtract*,
-- DateTime instead of DateTime64(6), no TTL, no codecs).
--
-- Fed by the stream app-telemetry (routes.json); sample events/app-telemetry.json
-- (tools/seed_events.py). An event: {"name": "anonymous_visited",
-- "tstamp": "2026-11-30 14:27:52.000000", "payload": "{\"dvce_os\": ...}",
-- "payload_md5": "..."}. The producer sends payload as a JSON *string*, so the
-- function stores it in a String column (a JSON column takes JSON objects only)
-- and the server parses it once, on insert, into payload_json (MATERIALIZED:
-- computed by the server, never sent). Producers resend some events: the table
-- keeps every row, and distinct events are counted by payload_md5.
-- Statements end with ';' at the end of a line (tools/replay.py splits there).

CREATE DATABASE IF NOT EXISTS telemetry;

CREATE TABLE IF NOT EXISTS telemetry.app_events (
    name LowCardinality(String),            -- anonymous_visited, account_created, measurement_recorded
    tstamp DateTime64(6, 'UTC') CODEC(Delta, ZSTD(1)),
    payload String CODEC(ZSTD(3)),          -- JSON text, as the producer sent it
    payload_json JSON MATERIALIZED CAST(payload, 'JSON'),
    payload_md5 FixedString(32),            -- hex MD5 of payload: the event's identity
    session_id String MATERIALIZED JSONExtractString(payload, 'session_id'),
    _shard_id LowCardinality(String),
    _sequence_number String,
    _approximate_arrival_timestamp DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    INDEX idx_md5 payload_md5 TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_session session_id TYPE bloom_filter(0.01) GRANULARITY 4
) ENGINE = MergeTree
PARTITION BY toYYYYMM(tstamp)
ORDER BY (name, tstamp, payload_md5)
TTL toDate(tstamp) + INTERVAL 90 DAY;

-- The payload's keys as columns, read from the JSON subcolumns (a path that
-- an event lacks reads as the type's default).
CREATE VIEW IF NOT EXISTS telemetry.app_events_parsed AS
SELECT name, tstamp, payload_md5, session_id,
       payload_json.dvce_os::String AS dvce_os,
       payload_json.plan::String AS plan,
       payload_json.metric::String AS metric,
       payload_json.value::Float64 AS value
FROM telemetry.app_events;
