#include "app/route_cache.h"

#include <gtest/gtest.h>

namespace k2c {
namespace {

using namespace std::chrono_literals;
using TimePoint = std::chrono::steady_clock::time_point;

constexpr const char* kArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";

struct FakeClock {
  TimePoint now{};
  RouteCache::Now fn() {
    return [this] { return now; };
  }
};

TEST(RouteCache, ReturnsPutRouteWithinTtl) {
  FakeClock clock;
  RouteCache cache(60, clock.fn());
  cache.put(kArn, Route{"db", "orders"});
  clock.now += 59s;
  auto hit = cache.get(kArn);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(*hit, (Route{"db", "orders"}));
}

TEST(RouteCache, ForgetsRouteWhenTtlExpires) {
  FakeClock clock;
  RouteCache cache(60, clock.fn());
  cache.put(kArn, Route{"", "orders"});
  clock.now += 60s;
  EXPECT_FALSE(cache.get(kArn).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(RouteCache, TtlZeroNeverCaches) {
  FakeClock clock;
  RouteCache cache(0, clock.fn());
  cache.put(kArn, Route{"", "orders"});
  EXPECT_FALSE(cache.get(kArn).has_value());
  int fetches = 0;
  auto fetch = [&]() -> Result<std::optional<Route>> {
    ++fetches;
    return std::optional<Route>(Route{"", "orders"});
  };
  ASSERT_TRUE(cache.get_or_fetch(kArn, fetch).ok());
  ASSERT_TRUE(cache.get_or_fetch(kArn, fetch).ok());
  EXPECT_EQ(fetches, 2);
}

TEST(RouteCache, KeysByStreamArn) {
  FakeClock clock;
  RouteCache cache(60, clock.fn());
  cache.put(kArn, Route{"", "orders"});
  EXPECT_FALSE(cache.get("arn:aws:kinesis:eu-west-1:123456789012:stream/other").has_value());
}

TEST(RouteCache, FetchesOnceWhileFresh) {
  FakeClock clock;
  RouteCache cache(60, clock.fn());
  int fetches = 0;
  auto fetch = [&]() -> Result<std::optional<Route>> {
    ++fetches;
    return std::optional<Route>(Route{"", "orders"});
  };
  for (int i = 0; i < 3; ++i) {
    auto r = cache.get_or_fetch(kArn, fetch);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->value().table, "orders");
  }
  EXPECT_EQ(fetches, 1);
  clock.now += 61s;
  ASSERT_TRUE(cache.get_or_fetch(kArn, fetch).ok());
  EXPECT_EQ(fetches, 2);
}

TEST(RouteCache, DoesNotCacheMissingRoute) {
  FakeClock clock;
  RouteCache cache(60, clock.fn());
  bool exists = false;
  int fetches = 0;
  auto fetch = [&]() -> Result<std::optional<Route>> {
    ++fetches;
    if (!exists) return std::optional<Route>();
    return std::optional<Route>(Route{"", "orders"});
  };
  auto first = cache.get_or_fetch(kArn, fetch);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_value());
  exists = true;  // the operator adds the route: the next batch must see it
  auto second = cache.get_or_fetch(kArn, fetch);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ(fetches, 2);
}

TEST(RouteCache, DoesNotCacheErrors) {
  FakeClock clock;
  RouteCache cache(60, clock.fn());
  int fetches = 0;
  auto fetch = [&]() -> Result<std::optional<Route>> {
    ++fetches;
    return make_error(ErrorKind::transient, "throttled");
  };
  EXPECT_FALSE(cache.get_or_fetch(kArn, fetch).ok());
  EXPECT_FALSE(cache.get_or_fetch(kArn, fetch).ok());
  EXPECT_EQ(fetches, 2);
}

TEST(RouteCache, PutRefreshesExpiry) {
  FakeClock clock;
  RouteCache cache(60, clock.fn());
  cache.put(kArn, Route{"", "old"});
  clock.now += 50s;
  cache.put(kArn, Route{"", "new"});
  clock.now += 50s;
  auto hit = cache.get(kArn);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->table, "new");
}

}  // namespace
}  // namespace k2c
