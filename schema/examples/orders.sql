-- E-commerce orders, fed by the stream in events/orders-*.json.
-- Works on ClickHouse 18.16 and current servers.
CREATE TABLE IF NOT EXISTS orders (
    order_id UUID,
    event_time DateTime,
    customer_id UInt64,
    sku String,
    quantity UInt16,
    price Decimal(12, 2),
    currency FixedString(3),
    status Enum8('created' = 1, 'paid' = 2, 'shipped' = 3, 'cancelled' = 4),
    tags Array(String),
    coupon Nullable(String),
    discount Float64 DEFAULT 0.05,
    _stream_arn String,
    _shard_id String,
    _sequence_number String,
    _partition_key String,
    _approximate_arrival_timestamp DateTime,
    order_day Date MATERIALIZED toDate(event_time)
) ENGINE = MergeTree
ORDER BY (customer_id, event_time, order_id)
