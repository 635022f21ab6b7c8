-- E-commerce clickstream and orders: the layout for current ClickHouse.
--
-- VARIANT: current ClickHouse (25.3 and later; written against the ClickHouse
-- documentation of 2026). Verified on ClickHouse 26.7 (chDB) by the CTest
-- test seed_workloads_26_7 (tests/integration/seed_test.py on the k2c_modern
-- fixture): created as written, the seed events landed through the real
-- bootstrap, the views filled and every seed question answered as on 18.16.
-- The local tools' 18.16 server runs shop.18.16.sql, the same tables without
-- TTL, skipping indexes, codecs and DateTime64. The column names, the streams and the sample events
-- are the same for both, and so are the questions in tools/seed_questions.py.
--
-- Fed by two streams (routes.json): shop-clickstream -> shop.events,
-- shop-orders -> shop.orders. Samples: events/shop-clickstream.json,
-- events/shop-orders.json (tools/seed_events.py). The materialized views
-- below run on every insert into shop.events / shop.orders.
--
-- TTL note: the samples in events/ have fixed dates (late November 2026).
-- A server past their TTL drops them at the next merge; make fresh ones with
-- `python3 tools/seed_events.py --out DIR --start now`.
-- Statements end with ';' at the end of a line (tools/replay.py splits there).

CREATE DATABASE IF NOT EXISTS shop;

-- The fact table: one row per clickstream event, kept 90 days.
CREATE TABLE IF NOT EXISTS shop.events (
    event_id UUID,
    user_id UInt64 CODEC(T64, ZSTD(1)),
    session_id String,
    event_type LowCardinality(String),      -- page_view, add_to_cart, begin_checkout, purchase
    page_url String CODEC(ZSTD(3)),
    product_id LowCardinality(String),      -- '' on pages that show no product
    category LowCardinality(String),
    price Decimal(10, 2),                   -- unit price of product_id; 0 when none
    quantity UInt16 CODEC(T64, LZ4),
    country LowCardinality(String),         -- ISO 3166-1 alpha-2
    device LowCardinality(String),
    browser LowCardinality(String),
    event_timestamp DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    event_date Date MATERIALIZED toDate(event_timestamp) CODEC(Delta, LZ4),
    _shard_id LowCardinality(String),
    _sequence_number String,
    _approximate_arrival_timestamp DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    INDEX idx_session session_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_product product_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_country country TYPE set(300) GRANULARITY 4,
    INDEX idx_price price TYPE minmax GRANULARITY 4
) ENGINE = MergeTree
PARTITION BY toYYYYMM(event_date)
ORDER BY (event_type, event_date, user_id, event_timestamp)
TTL event_date + INTERVAL 90 DAY;

-- Events per hour and type (SummingMergeTree: rows with the same key add up
-- at merge time, so always read it with sum() ... GROUP BY). Kept a year:
-- the aggregates outlive the raw events.
CREATE TABLE IF NOT EXISTS shop.events_hourly (
    hour DateTime('UTC') CODEC(Delta, LZ4),
    event_type LowCardinality(String),
    events UInt64,
    units UInt64,                           -- sum of quantity
    value Decimal(38, 2)                    -- sum of price * quantity
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, event_type)
TTL hour + INTERVAL 1 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS shop.events_hourly_mv TO shop.events_hourly AS
SELECT toStartOfHour(toDateTime(event_timestamp, 'UTC')) AS hour, event_type,
       count() AS events, sum(quantity) AS units, sum(price * quantity) AS value
FROM shop.events
GROUP BY hour, event_type;

-- Conversion funnel: distinct sessions reaching each step, per hour
-- (AggregatingMergeTree; read with uniqIfMerge, which merges across hours).
CREATE TABLE IF NOT EXISTS shop.funnel_hourly (
    hour DateTime('UTC'),
    viewed AggregateFunction(uniqIf, String, UInt8),
    carted AggregateFunction(uniqIf, String, UInt8),
    checked_out AggregateFunction(uniqIf, String, UInt8),
    purchased AggregateFunction(uniqIf, String, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY hour
TTL hour + INTERVAL 1 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS shop.funnel_hourly_mv TO shop.funnel_hourly AS
SELECT toStartOfHour(toDateTime(event_timestamp, 'UTC')) AS hour,
       uniqIfState(session_id, event_type = 'page_view') AS viewed,
       uniqIfState(session_id, event_type = 'add_to_cart') AS carted,
       uniqIfState(session_id, event_type = 'begin_checkout') AS checked_out,
       uniqIfState(session_id, event_type = 'purchase') AS purchased
FROM shop.events
GROUP BY hour;

-- Per-country stats per day (SummingMergeTree).
CREATE TABLE IF NOT EXISTS shop.country_daily (
    day Date,
    country LowCardinality(String),
    events UInt64,
    page_views UInt64,
    purchases UInt64,
    purchase_value Decimal(38, 2)
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, country)
TTL day + INTERVAL 1 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS shop.country_daily_mv TO shop.country_daily AS
SELECT event_date AS day, country,
       count() AS events,
       sum(event_type = 'page_view') AS page_views,
       sum(event_type = 'purchase') AS purchases,
       sumIf(price * quantity, event_type = 'purchase') AS purchase_value
FROM shop.events
GROUP BY day, country;

-- Orders: one row per order, one product line per order, kept one year.
CREATE TABLE IF NOT EXISTS shop.orders (
    order_id UUID,
    user_id UInt64 CODEC(T64, ZSTD(1)),
    session_id String,
    product_id LowCardinality(String),
    quantity UInt16 CODEC(T64, LZ4),
    unit_price Decimal(10, 2),
    discount_code LowCardinality(Nullable(String)),  -- NULL: no code used
    discount_amount Decimal(10, 2),
    order_total Decimal(12, 2),             -- unit_price * quantity - discount_amount
    currency LowCardinality(String),
    country LowCardinality(String),
    payment_method LowCardinality(String),
    order_timestamp DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    order_date Date MATERIALIZED toDate(order_timestamp),
    _sequence_number String,
    _approximate_arrival_timestamp DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    INDEX idx_order order_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_product product_id TYPE bloom_filter(0.01) GRANULARITY 4
) ENGINE = MergeTree
PARTITION BY toYYYYMM(order_date)
ORDER BY (order_date, user_id, order_timestamp)
TTL order_date + INTERVAL 1 YEAR;

-- Revenue per product per day (SummingMergeTree).
CREATE TABLE IF NOT EXISTS shop.product_revenue_daily (
    day Date,
    product_id LowCardinality(String),
    orders UInt64,
    units UInt64,
    revenue Decimal(38, 2)
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, product_id)
TTL day + INTERVAL 1 YEAR;

CREATE MATERIALIZED VIEW IF NOT EXISTS shop.product_revenue_daily_mv TO shop.product_revenue_daily AS
SELECT order_date AS day, product_id,
       count() AS orders, sum(quantity) AS units, sum(order_total) AS revenue
FROM shop.orders
GROUP BY day, product_id;
