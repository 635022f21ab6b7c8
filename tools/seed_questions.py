"""The seed workloads' questions, in SQL, as ./dev replay answers them.

Each question reads the tables of schema/examples/shop*.sql and telemetry*.sql
(the same SQL runs on 18.16 and on current ClickHouse). "The last hour" is the
hour before the newest event in the table, not before now(): the samples in
events/ have fixed dates. On live data, write `now() - INTERVAL 1 HOUR`.
"""

QUESTIONS = [
    {
        "key": "top_products_viewed",
        "title": "Top 5 products viewed in the last hour",
        "tables": ["shop.events"],
        "sql": """
SELECT product_id, any(category) AS category, count() AS views
FROM shop.events
WHERE event_type = 'page_view' AND product_id != ''
  AND event_timestamp >= (SELECT max(event_timestamp) FROM shop.events) - INTERVAL 1 HOUR
GROUP BY product_id
ORDER BY views DESC, product_id
LIMIT 5""",
    },
    {
        "key": "hourly_events",
        "title": "Events per hour (materialized view shop.events_hourly, SummingMergeTree)",
        "tables": ["shop.events_hourly"],
        "sql": """
SELECT hour,
       sum(events) AS all_events,
       sumIf(events, event_type = 'page_view') AS page_views,
       sumIf(events, event_type = 'add_to_cart') AS add_to_cart,
       sumIf(events, event_type = 'purchase') AS purchases,
       sumIf(value, event_type = 'purchase') AS revenue
FROM shop.events_hourly
GROUP BY hour
ORDER BY hour""",
    },
    {
        "key": "funnel",
        "title": "Conversion funnel: sessions per step (shop.funnel_hourly, AggregatingMergeTree, uniqIfMerge)",
        "tables": ["shop.funnel_hourly"],
        "sql": """
SELECT uniqIfMerge(viewed) AS viewed,
       uniqIfMerge(carted) AS added_to_cart,
       uniqIfMerge(checked_out) AS began_checkout,
       uniqIfMerge(purchased) AS purchased,
       round(100 * purchased / viewed, 1) AS conversion_pct
FROM shop.funnel_hourly""",
    },
    {
        "key": "aov_discount",
        "title": "Average order value with and without a discount code, last hour",
        "tables": ["shop.orders"],
        "sql": """
SELECT if(discount_code IS NULL, 'no code', 'discount code') AS orders_with,
       count() AS orders,
       sum(order_total) AS revenue,
       round(toFloat64(sum(order_total)) / count(), 2) AS avg_order_value
FROM shop.orders
WHERE order_timestamp >= (SELECT max(order_timestamp) FROM shop.orders) - INTERVAL 1 HOUR
GROUP BY orders_with
ORDER BY orders_with""",
    },
    {
        "key": "revenue_per_product",
        "title": "Revenue per product, top 5 (materialized view shop.product_revenue_daily)",
        "tables": ["shop.product_revenue_daily"],
        "sql": """
SELECT product_id, sum(orders) AS orders, sum(units) AS units, sum(revenue) AS revenue
FROM shop.product_revenue_daily
GROUP BY product_id
ORDER BY revenue DESC, product_id
LIMIT 5""",
    },
    {
        "key": "countries",
        "title": "Per-country stats, top 5 by events (materialized view shop.country_daily)",
        "tables": ["shop.country_daily"],
        "sql": """
SELECT country, sum(events) AS events, sum(page_views) AS page_views,
       sum(purchases) AS purchases, sum(purchase_value) AS purchase_value
FROM shop.country_daily
GROUP BY country
ORDER BY events DESC, country
LIMIT 5""",
    },
    {
        "key": "telemetry_distinct",
        "title": "App telemetry: rows, and distinct events by payload_md5 after the resent duplicates",
        "tables": ["telemetry.app_events"],
        "sql": """
SELECT name, count() AS rows, uniqExact(payload_md5) AS distinct_events,
       rows - distinct_events AS duplicates
FROM telemetry.app_events
GROUP BY name WITH TOTALS
ORDER BY name""",
    },
]
