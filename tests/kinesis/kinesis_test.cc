#include "kinesis/kinesis.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace k2c {
namespace {

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(EnvelopeDecoder, ReadsTheFieldsOfEveryRecord) {
  EnvelopeDecoder d;
  const std::string event = read_file(K2C_SOURCE_DIR "/events/orders-batch.json");
  auto r = d.decode(event);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 100u);
  const KinesisRecord& first = (*r)[0];
  EXPECT_EQ(first.event_source_arn, "arn:aws:kinesis:eu-west-1:123456789012:stream/orders");
  EXPECT_EQ(first.shard_id, "shardId-000000000001");
  EXPECT_EQ(first.sequence_number, "495900010000000000000000000000000000000000000000");
  EXPECT_EQ(first.partition_key, "customer-0");
  EXPECT_EQ(first.arrival_timestamp, "1714564800.123");
  EXPECT_TRUE(first.data_base64.starts_with("eyJ"));
}

TEST(EnvelopeDecoder, EmptyRecordsIsAnEmptyBatch) {
  EnvelopeDecoder d;
  auto r = d.decode(R"({"Records":[]})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(EnvelopeDecoder, FieldsInAnyOrderAndEscapedStrings) {
  EnvelopeDecoder d;
  auto r = d.decode(R"({"Records":[{"eventSourceARN":"arn:x\/y","eventID":"s-1:9",)"
                    R"("kinesis":{"data":"e30=","sequenceNumber":"9","partitionKey":"k\u00e9"}}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].event_source_arn, "arn:x/y");
  EXPECT_EQ((*r)[0].partition_key, "k\xc3\xa9");
  EXPECT_EQ((*r)[0].shard_id, "s-1");
  EXPECT_EQ((*r)[0].arrival_timestamp, "");
}

TEST(EnvelopeDecoder, RejectsWhatIsNotAKinesisEvent) {
  for (const char* bad : {"", "null", "[]", "{}", R"({"Records":{}})", R"({"Records":[1]})",
                          R"({"Records":[{"kinesis":{"data":"e30="}}]})",
                          R"({"Records":[{"kinesis":{"data":1,"sequenceNumber":"1"},"eventSourceARN":"a"}]})",
                          R"({"Records":[]} x)", R"({"Records":[)"}) {
    EnvelopeDecoder d;
    auto r = d.decode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::invalid_event) << bad;
  }
}

TEST(EnvelopeDecoder, IsReusableAcrossEvents) {
  EnvelopeDecoder d;
  ASSERT_FALSE(d.decode("{").ok());
  auto r = d.decode(R"({"Records":[{"kinesis":{"data":"","sequenceNumber":"1"},"eventSourceARN":"a"}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 1u);
}

TEST(EnvelopeDecoder, ParsesInPlaceWhenTheBufferHasPadding) {
  std::string event = read_file(K2C_SOURCE_DIR "/events/orders-batch.json");
  EnvelopeDecoder copying;
  auto copied = copying.decode(event);
  ASSERT_TRUE(copied.ok());
  event.reserve(event.size() + simdjson::SIMDJSON_PADDING);
  EnvelopeDecoder in_place;
  auto r = in_place.decode(event, event.capacity());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), copied->size());
  for (size_t i = 0; i < r->size(); ++i) {
    const KinesisRecord& a = (*r)[i];
    const KinesisRecord& b = (*copied)[i];
    EXPECT_EQ(a.data_base64, b.data_base64);
    EXPECT_EQ(a.event_source_arn, b.event_source_arn);
    EXPECT_EQ(a.event_id, b.event_id);
    EXPECT_EQ(a.shard_id, b.shard_id);
    EXPECT_EQ(a.sequence_number, b.sequence_number);
    EXPECT_EQ(a.partition_key, b.partition_key);
    EXPECT_EQ(a.arrival_timestamp, b.arrival_timestamp);
  }
  // No copy: the views point into the event itself.
  const char* data = (*r)[0].data_base64.data();
  EXPECT_TRUE(data > event.data() && data < event.data() + event.size());
  // Without the spare bytes it copies, and the views point elsewhere.
  EnvelopeDecoder unpadded;
  auto u = unpadded.decode(event, event.size());
  ASSERT_TRUE(u.ok());
  const char* copy = (*u)[0].data_base64.data();
  EXPECT_FALSE(copy >= event.data() && copy < event.data() + event.size());
}

// An event without any backslash takes the raw-key reading: keys that only
// share a prefix with a field name, or extend one, must not be taken for it.
TEST(EnvelopeDecoder, MatchesWholeKeysOnly) {
  for (bool escaped : {false, true}) {
    std::string ev = R"({"Recs":1,"RecordsX":[],"Records":[{"eventSourceARNs":"x","eventSourceARN":"arn:a",)"
                     R"("kinesis":{"dat":"AAAA","dataa":"BBBB","data":"e30=","sequenceNumber":"7",)"
                     R"("sequenceNumberX":"8","partitionKeys":"q","partitionKey":"p"},"eventI":"z","eventID":"s:1"}]})";
    if (escaped) ev.insert(ev.size() - 3, R"(,"x":"\/")");  // any backslash: the unescaping path
    EnvelopeDecoder d;
    auto r = d.decode(ev);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->size(), 1u);
    const KinesisRecord& k = (*r)[0];
    EXPECT_EQ(k.event_source_arn, "arn:a") << escaped;
    EXPECT_EQ(k.data_base64, "e30=") << escaped;
    EXPECT_EQ(k.sequence_number, "7") << escaped;
    EXPECT_EQ(k.partition_key, "p") << escaped;
    EXPECT_EQ(k.event_id, "s:1") << escaped;
  }
  // Strings with white space before the next comma or brace.
  EnvelopeDecoder d;
  auto r = d.decode("{\"Records\" : [ {\"kinesis\" : {\"data\" : \"e30=\" \n, \"sequenceNumber\":\"1\"\t} ,"
                    " \"eventSourceARN\" : \"a\"  } ] }");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].data_base64, "e30=");
  EXPECT_EQ((*r)[0].event_source_arn, "a");
}

}  // namespace
}  // namespace k2c
