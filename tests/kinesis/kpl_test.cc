// KPL de-aggregation (kinesis/kpl.h) against the test vectors that other
// projects publish with the outputs they expect (../shared/fixtures/external:
// awslabs/kinesis-aggregation, aws-samples/aws-lambda-fanout, elastic/beats,
// elastic/elastic-serverless-forwarder), and against aggregates built here
// to hit each way an aggregate can be malformed.
#include "kinesis/kpl.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kinesis/base64.h"
#include "tests/support/fixtures.h"
#include "tests/support/producers.h"

namespace k2c {
namespace {

using Json = nlohmann::json;

struct Out {
  std::string partition_key, data;
  bool operator==(const Out&) const = default;
};

std::string decode(const std::string& b64) {
  std::string buf;
  size_t n = 0;
  EXPECT_TRUE(base64_decode(b64, buf, 0, n)) << b64.substr(0, 40);
  return buf.substr(0, n);
}

// What a consumer makes of one Kinesis record: its user records, or itself.
std::vector<Out> consume(const std::string& data, const std::string& outer_key) {
  Deaggregator d;
  std::vector<UserRecord> users;
  std::vector<Out> out;
  if (d.split(data, users)) {
    for (const auto& u : users) out.push_back({std::string(u.partition_key), std::string(u.data)});
  } else {
    out.push_back({outer_key, data});
  }
  return out;
}

// (base64 data, outer partition key) of every record a vector's input holds.
std::vector<std::pair<std::string, std::string>> inputs_of(const Json& v) {
  std::vector<std::pair<std::string, std::string>> out;
  auto one = [&](const Json& r) {
    if (r.is_string()) return out.emplace_back(r.get<std::string>(), "");
    if (r.contains("kinesis"))
      return out.emplace_back(r["kinesis"]["data"].get<std::string>(),
                              r["kinesis"].value("partitionKey", ""));
    std::string key;
    if (r.contains("kinesisStreamRecordMetadata"))
      key = r["kinesisStreamRecordMetadata"].value("partitionKey", "");
    return out.emplace_back(r["data"].get<std::string>(), key);
  };
  if (v.contains("input_records"))
    for (const auto& r : v["input_records"]) one(r);
  else
    one(v["input"]);
  return out;
}

std::vector<Out> expected_of(const Json& v, const Json& all) {
  const Json* e = v.contains("expected_user_records") ? &v["expected_user_records"]
                                                      : &v["expected_output"];
  if (e->is_string()) {
    // "same user records as the corresponding test_deagg.py vector (NAME)"
    const std::string s = e->get<std::string>();
    const std::string name = s.substr(s.find('(') + 1, s.find(')') - s.find('(') - 1);
    for (const auto& other : all)
      if (other.value("input_variable", "") == name) return expected_of(other, all);
    ADD_FAILURE() << "no vector named " << name;
    return {};
  }
  std::vector<Out> out;
  for (const auto& r : *e) out.push_back({r["partitionKey"].get<std::string>(), r["data"].get<std::string>()});
  return out;
}

TEST(Kpl, PublishedVectorsGiveTheirAuthorsOutputs) {
  if (!testing::have_fixtures()) GTEST_SKIP() << "no " << testing::fixtures_dir();
  size_t vectors = 0, user_records = 0;
  for (const char* file : {"kinesis-aggregation/kpl-test-vectors.json", "aws-lambda-fanout/kpl-test-vectors.json",
                           "elastic-beats/kpl-and-cwl-test-vectors.json",
                           "elastic-serverless-forwarder/kpl-test-vectors.json"}) {
    const Json doc = Json::parse(testing::read_fixture(file));
    for (const auto& v : doc["vectors"]) {
      if (!v.contains("expected_user_records") && !v.contains("expected_output")) continue;
      std::vector<Out> got;
      for (const auto& [b64, key] : inputs_of(v)) {
        auto part = consume(decode(b64), key);
        got.insert(got.end(), part.begin(), part.end());
      }
      const auto want = expected_of(v, doc["vectors"]);
      EXPECT_EQ(got.size(), want.size()) << v["id"];
      if (got == want) user_records += got.size();
      else ADD_FAILURE() << v["id"] << ": outputs differ";
      ++vectors;
    }
  }
  EXPECT_EQ(vectors, 18u);  // every KPL vector of the four files
  EXPECT_GT(user_records, 150u);
}

TEST(Kpl, TheZeroRecordAggregateInUnpaddedBase64YieldsNothing) {
  // aws-lambda-fanout's vector: magic + MD5 of the empty message, unpadded.
  const std::string data = decode("84mawtQdjNmPALIE6YAJmOz4Qn4");
  Deaggregator d;
  std::vector<UserRecord> users{{"x", "y"}};
  EXPECT_TRUE(d.split(data, users));
  EXPECT_TRUE(users.empty());
}

// --- aggregates built here -------------------------------------------------

using testing::kpl_frame;
using testing::kpl_record;
using testing::put_field;
using testing::put_varint;

std::vector<Out> split(const std::string& data) {
  Deaggregator d;
  std::vector<UserRecord> users;
  if (!d.split(data, users)) return {{"<not an aggregate>", ""}};
  std::vector<Out> out;
  for (const auto& u : users) out.push_back({std::string(u.partition_key), std::string(u.data)});
  return out;
}

TEST(Kpl, KeysMayComeAfterTheRecordsThatUseThem) {
  std::string m;
  put_field(m, 3, kpl_record(1, "second key"));
  put_field(m, 3, kpl_record(0, "first key"));
  put_field(m, 1, "k0");
  put_field(m, 1, "k1");
  EXPECT_EQ(split(kpl_frame(m)), (std::vector<Out>{{"k1", "second key"}, {"k0", "first key"}}));
}

TEST(Kpl, MultiByteLengthsAndUnknownFieldsAreRead) {
  std::string m;
  put_field(m, 1, "k");
  put_field(m, 2, "12345");                // explicit_hash_key_table: read and ignored
  const std::string big(300, 'x');    // a two-byte length varint
  std::string r = kpl_record(0, big);
  put_field(r, 4, std::string("\x0a\x01t", 3));  // a tag
  put_field(m, 3, r);
  put_varint(m, 9 << 3 | 0);  // an unknown varint field
  put_varint(m, 300);
  EXPECT_EQ(split(kpl_frame(m)), (std::vector<Out>{{"k", big}}));
}

TEST(Kpl, MalformedAggregatesAreNotAggregates) {
  std::string good;
  put_field(good, 1, "k");
  put_field(good, 3, kpl_record(0, "data"));
  const std::string frame = kpl_frame(good);
  ASSERT_EQ(split(frame), (std::vector<Out>{{"k", "data"}}));

  std::string wrong_md5 = frame;
  wrong_md5.back() ^= 1;
  std::string out_of_range;
  put_field(out_of_range, 1, "k");
  put_field(out_of_range, 3, kpl_record(1, "data"));
  std::string no_data;
  put_field(no_data, 1, "k");
  std::string rec;
  put_varint(rec, 1 << 3);
  put_varint(rec, 0);
  put_field(no_data, 3, rec);
  std::string huge_length = "\x1a\xff\xff\xff\xff\x0f";  // records, claiming 4 GiB
  std::string group;
  put_varint(group, 5 << 3 | 3);  // a group: not in this schema
  std::string endless_varint(12, '\x80');

  for (const std::string& bad : {wrong_md5, kpl_frame(out_of_range), kpl_frame(no_data), kpl_frame(huge_length),
                                 kpl_frame(group), kpl_frame(endless_varint), frame.substr(0, 19),
                                 std::string("\xF3\x89\x9A", 3), std::string("plain")})
    EXPECT_EQ(split(bad), (std::vector<Out>{{"<not an aggregate>", ""}})) << bad.size();
}

}  // namespace
}  // namespace k2c
