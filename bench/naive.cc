#include "bench/naive.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace k2c::bench {
namespace {

using nlohmann::json;

std::string base64(const std::string& in) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    auto pos = alphabet.find(c);
    if (pos == std::string::npos) throw std::runtime_error("bad base64");
    acc = (acc << 6) | static_cast<uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

template <typename T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

void put_varint(std::string& out, uint64_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

void put_str(std::string& out, const std::string& s) {
  put_varint(out, s.size());
  out += s;
}

uint32_t parse_datetime(const std::string& s) {
  std::tm tm{};
  if (sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
             &tm.tm_min, &tm.tm_sec) != 6)
    throw std::runtime_error("bad date-time " + s);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<uint32_t>(timegm(&tm));
}

std::map<std::string, int8_t> enum_values(const std::string& type) {
  std::map<std::string, int8_t> m;
  size_t i = 0;
  while ((i = type.find('\'', i)) != std::string::npos) {
    size_t j = type.find('\'', i + 1);
    std::string name = type.substr(i + 1, j - i - 1);
    size_t eq = type.find('=', j);
    m[name] = static_cast<int8_t>(std::stoi(type.substr(eq + 1)));
    i = type.find_first_of(",)", eq);
  }
  return m;
}

void encode_value(const std::string& type, const json& v, std::string& out) {
  if (type == "UUID") {
    std::string hex = v.get<std::string>();
    hex.erase(std::remove(hex.begin(), hex.end(), '-'), hex.end());
    put(out, static_cast<uint64_t>(std::stoull(hex.substr(0, 16), nullptr, 16)));
    put(out, static_cast<uint64_t>(std::stoull(hex.substr(16), nullptr, 16)));
  } else if (type == "DateTime") {
    put(out, parse_datetime(v.get<std::string>()));
  } else if (type == "UInt64") {
    put(out, v.get<uint64_t>());
  } else if (type == "UInt16") {
    put(out, v.get<uint16_t>());
  } else if (type == "String") {
    put_str(out, v.is_string() ? v.get<std::string>() : v.dump());
  } else if (type == "Decimal(12, 2)") {
    std::string s = v.get<std::string>();
    auto dot = s.find('.');
    std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
    frac = (frac + "00").substr(0, 2);
    put(out, static_cast<int64_t>(std::stoll(s.substr(0, dot) + frac)));
  } else if (type.rfind("FixedString(", 0) == 0) {
    size_t n = std::stoul(type.substr(12));
    std::string s = v.get<std::string>();
    s.resize(n, '\0');
    out += s;
  } else if (type.rfind("Enum8(", 0) == 0) {
    put(out, enum_values(type).at(v.get<std::string>()));
  } else if (type == "Array(String)") {
    put_varint(out, v.size());
    for (const auto& e : v) put_str(out, e.get<std::string>());
  } else if (type == "Nullable(String)") {
    out.push_back('\0');
    put_str(out, v.get<std::string>());
  } else if (type == "Float64") {
    put(out, v.get<double>());
  } else {
    throw std::runtime_error("naive: unsupported type " + type);
  }
}

void encode_default(const std::string& type, std::string& out) {
  if (type.rfind("Nullable(", 0) == 0) out.push_back('\1');
  else throw std::runtime_error("naive: no default for " + type);
}

}  // namespace

std::string naive_encode(std::string_view event, const std::vector<ColumnInfo>& columns) {
  json doc = json::parse(event);
  std::vector<json> payloads;
  for (const auto& r : doc.at("Records")) payloads.push_back(json::parse(base64(r.at("kinesis").at("data"))));
  // A DEFAULT column that no record provides is left out of the insert.
  std::vector<const ColumnInfo*> sent;
  for (const auto& c : columns) {
    if (c.default_kind == "MATERIALIZED" || c.default_kind == "ALIAS") continue;
    if (c.default_kind == "DEFAULT") {
      bool any = false;
      for (const auto& p : payloads) any = any || (p.contains(c.name) && !p[c.name].is_null());
      if (!any) continue;
    }
    sent.push_back(&c);
  }
  std::string body;
  size_t i = 0;
  for (const auto& r : doc.at("Records")) {
    const json& p = payloads[i++];
    for (const ColumnInfo* c : sent) {
      if (c->name == "_stream_arn") {
        put_str(body, r.at("eventSourceARN"));
      } else if (c->name == "_shard_id") {
        std::string id = r.at("eventID");
        put_str(body, id.substr(0, id.find(':')));
      } else if (c->name == "_sequence_number") {
        put_str(body, r.at("kinesis").at("sequenceNumber"));
      } else if (c->name == "_partition_key") {
        put_str(body, r.at("kinesis").at("partitionKey"));
      } else if (c->name == "_approximate_arrival_timestamp") {
        put(body, static_cast<uint32_t>(r.at("kinesis").at("approximateArrivalTimestamp").get<double>()));
      } else if (p.contains(c->name) && !p[c->name].is_null()) {
        encode_value(c->type, p[c->name], body);
      } else {
        encode_default(c->type, body);
      }
    }
  }
  return body;
}

}  // namespace k2c::bench
