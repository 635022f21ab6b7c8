// Checks a parsed line against the required structure of CloudWatch's
// Embedded Metric Format specification, independently of the code that wrote
// it: the root has an `_aws` object with a numeric Timestamp (epoch ms) and a
// non-empty CloudWatchMetrics array; each directive has a Namespace, a
// Dimensions array of dimension sets (at most 30 keys each) and a Metrics
// array (at most 100) of {Name, Unit} with Unit from CloudWatch's list; every
// dimension key is a top-level string member and every metric name a
// top-level number member. Objects the specification defines carry no other
// members. Failures are reported as gtest failures naming the offence.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace k2c::testing {

inline const std::set<std::string>& emf_units() {
  static const std::set<std::string> units = {"Seconds",
                                              "Microseconds",
                                              "Milliseconds",
                                              "Bytes",
                                              "Kilobytes",
                                              "Megabytes",
                                              "Gigabytes",
                                              "Terabytes",
                                              "Bits",
                                              "Kilobits",
                                              "Megabits",
                                              "Gigabits",
                                              "Terabits",
                                              "Percent",
                                              "Count",
                                              "Bytes/Second",
                                              "Kilobytes/Second",
                                              "Megabytes/Second",
                                              "Gigabytes/Second",
                                              "Terabytes/Second",
                                              "Bits/Second",
                                              "Kilobits/Second",
                                              "Megabits/Second",
                                              "Gigabits/Second",
                                              "Terabits/Second",
                                              "Count/Second",
                                              "None"};
  return units;
}

inline bool only_members(const nlohmann::json& object, const std::set<std::string>& allowed) {
  for (const auto& [key, value] : object.items())
    if (!allowed.count(key)) return false;
  return true;
}

inline void expect_valid_emf(const nlohmann::json& doc) {
  ASSERT_TRUE(doc.is_object()) << doc;
  ASSERT_TRUE(doc.contains("_aws") && doc["_aws"].is_object()) << "no _aws object: " << doc;
  const auto& aws = doc["_aws"];
  EXPECT_TRUE(only_members(aws, {"Timestamp", "CloudWatchMetrics"})) << aws;
  ASSERT_TRUE(aws.contains("Timestamp") && aws["Timestamp"].is_number_integer()) << aws;
  EXPECT_GT(aws["Timestamp"].get<int64_t>(), 0);
  ASSERT_TRUE(aws.contains("CloudWatchMetrics") && aws["CloudWatchMetrics"].is_array()) << aws;
  ASSERT_FALSE(aws["CloudWatchMetrics"].empty());
  for (const auto& directive : aws["CloudWatchMetrics"]) {
    ASSERT_TRUE(directive.is_object()) << directive;
    EXPECT_TRUE(only_members(directive, {"Namespace", "Dimensions", "Metrics"})) << directive;
    ASSERT_TRUE(directive["Namespace"].is_string()) << directive;
    const auto ns = directive["Namespace"].get<std::string>();
    EXPECT_TRUE(!ns.empty() && ns.size() <= 255 && ns.rfind("AWS/", 0) != 0) << ns;
    ASSERT_TRUE(directive["Dimensions"].is_array()) << directive;
    for (const auto& set : directive["Dimensions"]) {
      ASSERT_TRUE(set.is_array()) << set;
      EXPECT_LE(set.size(), 30u) << set;
      for (const auto& key : set) {
        ASSERT_TRUE(key.is_string()) << set;
        const auto k = key.get<std::string>();
        ASSERT_TRUE(doc.contains(k)) << "dimension " << k << " is not a top-level member";
        EXPECT_TRUE(doc[k].is_string()) << "dimension " << k << " is not a string";
        const auto v = doc[k].get<std::string>();
        EXPECT_TRUE(!v.empty() && v.size() <= 1024) << k << "=" << v;
      }
    }
    ASSERT_TRUE(directive["Metrics"].is_array()) << directive;
    EXPECT_LE(directive["Metrics"].size(), 100u);
    for (const auto& metric : directive["Metrics"]) {
      ASSERT_TRUE(metric.is_object()) << metric;
      EXPECT_TRUE(only_members(metric, {"Name", "Unit", "StorageResolution"})) << metric;
      ASSERT_TRUE(metric["Name"].is_string()) << metric;
      const auto name = metric["Name"].get<std::string>();
      if (metric.contains("Unit")) {
        EXPECT_TRUE(emf_units().count(metric["Unit"].get<std::string>())) << metric;
      }
      ASSERT_TRUE(doc.contains(name)) << "metric " << name << " is not a top-level member";
      EXPECT_TRUE(doc[name].is_number()) << "metric " << name << " is not a number: " << doc[name];
    }
  }
}

// The directive's metric name -> unit.
inline std::map<std::string, std::string> emf_units_of(const nlohmann::json& doc) {
  std::map<std::string, std::string> out;
  for (const auto& directive : doc["_aws"]["CloudWatchMetrics"])
    for (const auto& m : directive["Metrics"]) out[m["Name"]] = m.value("Unit", "");
  return out;
}

}  // namespace k2c::testing
