-- E-commerce clickstream and orders: the variant that ClickHouse 18.16 runs.
--
-- VARIANT: ClickHouse 18.16 (Debian's, the local server of ./dev replay and the
-- tests; created for real by tests/integration/seed_test.py). Also fine on any
-- later server that lacks what shop.sql needs. For current ClickHouse use
-- shop.sql, which has what 18.16 lacks:
--   - no TTL (18.16 has none): expire old months with ALTER TABLE ... DROP PARTITION;
--   - no data-skipping indexes (experimental and off in 18.16);
--   - no column codecs (CODEC(Delta), CODEC(T64) came in 19.x);
--   - DateTime instead of DateTime64(3): the fraction of event_timestamp is dropped;
--   - LowCardinality(String) needs allow_experimental_low_cardinality_type=1 in
--     the creating user's profile (tools/servers sets it; without it, use String).
--
-- Fed by two streams (routes.json): shop-clickstream -> shop.events,
-- shop-orders -> shop.orders. Samples: events/shop-clickstream.json,
-- events/shop-orders.json (tools/seed_events.py). The materialized views
-- below run on every insert into shop.events / shop.orders.
-- Statements end with ';' at the end of a line (tools/replay.py splits there).

CREATE DATABASE IF NOT EXISTS shop;

-- The fact table: one row per clickstream event.
CREATE TABLE IF NOT EXISTS shop.events (
    event_id UUID,
    user_id UInt64,
    session_id String,
    event_type LowCardinality(String),      -- page_view, add_to_cart, begin_checkout, purchase
    page_url String,
    product_id String,                      -- '' on pages that show no product
    category LowCardinality(String),
    price Decimal(10, 2),                   -- unit price of product_id; 0 when none
    quantity UInt16,
    country LowCardinality(String),         -- ISO 3166-1 alpha-2
    device LowCardinality(String),
    browser LowCardinality(String),
    event_timestamp DateTime,
    event_date Date MATERIALIZED toDate(event_timestamp),
    _shard_id String,
    _sequence_number String,
    _approximate_arrival_timestamp DateTime
) ENGINE = MergeTree
PARTITION BY toYYYYMM(event_date)
ORDER BY (event_type, event_date, user_id, event_timestamp);

-- Events per hour and type (SummingMergeTree: rows with the same key add up
-- at merge time, so always read it with sum() ... GROUP BY).
CREATE TABLE IF NOT EXISTS shop.events_hourly (
    hour DateTime,
    event_type LowCardinality(String),
    events UInt64,
    units UInt64,                           -- sum of quantity
    value Decimal(38, 2)                    -- sum of price * quantity
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, event_type);

CREATE MATERIALIZED VIEW IF NOT EXISTS shop.events_hourly_mv TO shop.events_hourly AS
SELECT toStartOfHour(event_timestamp) AS hour, event_type,
       count() AS events, sum(quantity) AS units, sum(price * quantity) AS value
FROM shop.events
GROUP BY hour, event_type;

-- Conversion funnel: distinct sessions reaching each step, per hour
-- (AggregatingMergeTree; read with uniqIfMerge, which merges across hours).
CREATE TABLE IF NOT EXISTS shop.funnel_hourly (
    hour DateTime,
    viewed AggregateFunction(uniqIf, String, UInt8),
    carted AggregateFunction(uniqIf, String, UInt8),
    checked_out AggregateFunction(uniqIf, String, UInt8),
    purchased AggregateFunction(uniqIf, String, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY hour;

CREATE MATERIALIZED VIEW IF NOT EXISTS shop.funnel_hourly_mv TO shop.funnel_hourly AS
SELECT toStartOfHour(event_timestamp) AS hour,
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
ORDER BY (day, country);

CREATE MATERIALIZED VIEW IF NOT EXISTS shop.country_daily_mv TO shop.country_daily AS
SELECT event_date AS day, country,
       count() AS events,
       sum(event_type = 'page_view') AS page_views,
       sum(event_type = 'purchase') AS purchases,
       sumIf(price * quantity, event_type = 'purchase') AS purchase_value
FROM shop.events
GROUP BY day, country;

-- Orders: one row per order, one product line per order.
CREATE TABLE IF NOT EXISTS shop.orders (
    order_id UUID,
    user_id UInt64,
    session_id String,
    product_id String,
    quantity UInt16,
    unit_price Decimal(10, 2),
    discount_code Nullable(String),         -- NULL: no code used
    discount_amount Decimal(10, 2),
    order_total Decimal(12, 2),             -- unit_price * quantity - discount_amount
    currency FixedString(3),
    country LowCardinality(String),
    payment_method LowCardinality(String),
    order_timestamp DateTime,
    order_date Date MATERIALIZED toDate(order_timestamp),
    _sequence_number String,
    _approximate_arrival_timestamp DateTime
) ENGINE = MergeTree
PARTITION BY toYYYYMM(order_date)
ORDER BY (order_date, user_id, order_timestamp);

-- Revenue per product per day (SummingMergeTree).
CREATE TABLE IF NOT EXISTS shop.product_revenue_daily (
    day Date,
    product_id String,
    orders UInt64,
    units UInt64,
    revenue Decimal(38, 2)
) ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, product_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS shop.product_revenue_daily_mv TO shop.product_revenue_daily AS
SELECT order_date AS day, product_id,
       count() AS orders, sum(quantity) AS units, sum(order_total) AS revenue
FROM shop.orders
GROUP BY day, product_id;
