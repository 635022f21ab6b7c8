// A per-process cache of routes, keyed by stream ARN.
//
// Lambda reuses the process across invocations, so a route fetched once is
// reused for `ttl_seconds` (ROUTE_CACHE_TTL_SECONDS) instead of a GetItem per
// batch. Only found routes are cached: a missing route is looked up again on
// the next batch, so adding it to the routes table takes effect at once.
// Errors are never cached. A TTL of 0 disables caching altogether.
//
// Pure: no I/O. The clock is injectable so tests can move time. Not
// thread-safe (the runtime serves one invocation at a time).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "app/route.h"
#include "base/error.h"

namespace k2c {

class RouteCache {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  using Fetch = std::function<Result<std::optional<Route>>()>;

  explicit RouteCache(int ttl_seconds, Now clock = &std::chrono::steady_clock::now);

  // The cached route for `stream_arn`, if present and younger than the TTL.
  std::optional<Route> get(std::string_view stream_arn);

  // Remembers `route` for the TTL; does nothing when the TTL is 0.
  void put(std::string_view stream_arn, Route route);

  // get(), else `fetch()`; a found route is put() before being returned.
  Result<std::optional<Route>> get_or_fetch(std::string_view stream_arn, const Fetch& fetch);

  void clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Route route;
    std::chrono::steady_clock::time_point expires;
  };

  // Streams per function are few, but a misconfigured mapping must not grow
  // the map without bound: past this size, expired entries are dropped.
  static constexpr size_t kPruneAbove = 1024;

  std::chrono::seconds ttl_;
  Now clock_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace k2c
