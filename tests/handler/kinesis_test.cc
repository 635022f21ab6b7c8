#include "handler/kinesis.h"

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

}  // namespace
}  // namespace k2c
