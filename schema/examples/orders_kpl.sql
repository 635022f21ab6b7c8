-- Orders written by the Kinesis Producer Library, fed by events/kpl-orders.json:
-- one row per user record, with its own partition key and its index inside
-- its aggregate (_sub_sequence_number; 0 for a record that was not aggregated).
-- Works on ClickHouse 18.16 and current servers.
CREATE TABLE IF NOT EXISTS orders_kpl (
    order_id UUID,
    event_time DateTime,
    customer_id UInt64,
    sku String,
    quantity UInt16,
    price Decimal(12, 2),
    currency FixedString(3),
    _sequence_number String,
    _sub_sequence_number UInt32,
    _partition_key String
) ENGINE = MergeTree
ORDER BY (_sequence_number, _sub_sequence_number)
