#include "app/route_cache.h"

#include <utility>

namespace k2c {

RouteCache::RouteCache(int ttl_seconds, Now clock)
    : ttl_(ttl_seconds < 0 ? 0 : ttl_seconds), clock_(std::move(clock)) {}

std::optional<Route> RouteCache::get(std::string_view stream_arn) {
  auto it = entries_.find(stream_arn);
  if (it == entries_.end()) return std::nullopt;
  if (clock_() >= it->second.expires) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.route;
}

void RouteCache::put(std::string_view stream_arn, Route route) {
  if (ttl_.count() == 0) return;
  auto now = clock_();
  if (entries_.size() >= kPruneAbove)
    std::erase_if(entries_, [&](const auto& e) { return now >= e.second.expires; });
  auto expires = now + ttl_;
  auto it = entries_.find(stream_arn);
  if (it != entries_.end()) {
    it->second = Entry{std::move(route), expires};
  } else {
    entries_.emplace(std::string(stream_arn), Entry{std::move(route), expires});
  }
}

Result<std::optional<Route>> RouteCache::get_or_fetch(std::string_view stream_arn,
                                                      const Fetch& fetch) {
  if (auto cached = get(stream_arn)) return cached;
  auto fetched = fetch();
  if (fetched.ok() && fetched->has_value()) put(stream_arn, **fetched);
  return fetched;
}

}  // namespace k2c
