// Characterization of the envelope decoder and the batch encoder: a digest
// of everything they produce (rows, body bytes, column set, dead letters
// with code, message and raw bytes; envelope errors) over the sample events
// and thousands of crafted and randomly mutated records, pinned to the
// value the straightforward implementation gave before the hot path was
// optimised. Any change in behaviour changes the digest.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "handler/batch.h"
#include "handler/kinesis.h"
#include "bench/schemas.h"
#include "tests/support/base64_encode.h"

namespace k2c {
namespace {

struct Digest {
  uint64_t h = 1469598103934665603ull;
  size_t rows = 0, dead_letters = 0, envelope_errors = 0;
  void add(std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // separator
  }
  void add(uint64_t v) { add(std::to_string(v)); }
};

// One Kinesis event whose records carry `payloads` (as base64 of the bytes,
// or as the literal JSON string text when it starts with '!').
std::string event_of(const std::vector<std::string>& payloads) {
  std::string e = "{\"Records\":[";
  for (size_t i = 0; i < payloads.size(); ++i) {
    if (i) e += ",";
    std::string data = payloads[i].rfind("!", 0) == 0 ? payloads[i].substr(1) : testing::base64_encode(payloads[i]);
    e += "{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"pk-" + std::to_string(i) +
         "\",\"sequenceNumber\":\"4959" + std::to_string(1000 + i) + "\",\"data\":\"" + data +
         "\",\"approximateArrivalTimestamp\":" + std::to_string(1714564800 + i) +
         ".5},\"eventSource\":\"aws:kinesis\",\"eventID\":\"shardId-000000000007:4959" +
         std::to_string(1000 + i) + "\",\"eventSourceARN\":\"arn:aws:kinesis:eu-west-1:1:stream/s\"}";
  }
  return e + "]}";
}

// The e-commerce sample, as the bench describes it.
std::vector<ColumnInfo> orders() { return bench::orders_columns(); }

std::vector<ColumnInfo> wide() {
  return {{"id", "Int32", "", ""},
          {"_partition_key", "LowCardinality(String)", "", ""},
          {"n", "Nullable(Int64)", "DEFAULT", "7"},
          {"d", "Int8", "DEFAULT", "3"},
          {"t", "DateTime64(3)", "", ""},
          {"m", "Map(String, UInt8)", "", ""},
          {"tu", "Tuple(a String, b Array(Nullable(Float32)))", "", ""},
          {"b", "Bool", "", ""},
          {"ip", "IPv6", "", ""},
          {"s", "String", "", ""},
          {"big", "UInt256", "", ""},
          {"dec", "Decimal(38, 5)", "", ""},
          {"_approximate_arrival_timestamp", "DateTime64(3)", "", ""}};
}

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void run_case(std::string_view event, const TablePlan& plan, EnvelopeDecoder& dec,
              BatchEncoder& enc, Digest& d) {
  auto records = dec.decode(event);
  if (!records.ok()) {
    d.add("envelope error");
    ++d.envelope_errors;
    d.add(records.error().message);
    return;
  }
  std::vector<uint32_t> which;
  for (uint32_t i = 0; i < records->size(); ++i) which.push_back(i);
  for (bool with_defaults : {false, true}) {
    EncodedBatch out;
    enc.encode(*records, which, plan, with_defaults, out);
    d.add(out.format());
    for (auto c : out.included) d.add(c);
    d.add("rows");
    for (auto r : out.rows) d.add(r);
    d.rows += out.rows.size();
    d.dead_letters += out.dead_letters.size();
    d.add(out.body);
    for (const auto& dl : out.dead_letters) {
      d.add(dl.record);
      d.add(dl.code);
      d.add(dl.message);
      d.add(dl.raw);
    }
  }
}

const char* kCrafted[] = {
    R"({"order_id":"6513270e-269e-0d37-f2a7-4de452e6b438","event_time":"2024-05-01T12:00:00.000Z","customer_id":698935573,"sku":"SKU-00791","quantity":3,"price":"703.39","currency":"EUR","status":"shipped","tags":["gift","express"],"coupon":null,"note":"x"})",
    R"({"coupon":"A","tags":[],"status":"paid","currency":"USD","price":1.5,"quantity":"4","sku":"s","customer_id":"12","event_time":1714564800,"order_id":"6513270E-269E-0D37-F2A7-4DE452E6B438"})",
    R"({"\u006frder_id":"6513270e-269e-0d37-f2a7-4de452e6b438","sku":"a\"b\\c\u00e9\n","discount":0.25})",
    R"({"sku":"one","sku":"two","quantity":1,"quantity":null})",
    R"({"sku":"one","sku":null})",
    R"({"quantity":70000})",
    R"({"quantity":-1,"sku":5})",
    R"({"price":"12345678901.5"})",
    R"({"price":"-0.001","discount":"1e400"})",
    R"({"currency":"EURO"})",
    R"({"status":"lost"})",
    R"({"status":2,"tags":"notarray"})",
    R"({"tags":[1,true,null,{"a":1},[2]]})",
    R"({"event_time":"2024-02-30 00:00:00"})",
    R"({"order_id":"not-a-uuid"})",
    R"({"sku":{"nested":[1,2,{"x":"y"}]}, "coupon": 12.50 })",
    R"(  {"sku":"ws"}   )",
    R"({"sku":"t"} trailing)",
    R"({"sku":"t",})",
    R"({"sku":tru})",
    R"({"customer_id":1e3})",
    R"({"customer_id":01})",
    R"({"customer_id":-0})",
    R"({"discount":null,"coupon":null})",
    R"([1,2,3])",
    R"("just a string")",
    R"(nul)",
    R"(null)",
    R"(42)",
    R"()",
    R"({)",
    R"({"sku":"\ud800"})",
    R"({"id":1,"n":null,"d":4,"t":"2024-05-01 10:00:00.123456","m":{"a":1,"b":2},"tu":{"b":[1.5,null],"a":"x"},"b":true,"ip":"::1","s":[1, 2],"big":"115792089237316195423570985008687907853269984665640564039457584007913129639935","dec":"-123.456789"})",
    R"({"id":"2","t":1714564800.5,"m":{},"tu":["y",[]],"b":0,"ip":"10.0.0.1","s":true,"big":0,"dec":1e-3})",
    R"({"id":3,"m":{"k":256}})",
    R"({"id":4,"tu":["y"]})",
    R"({"id":5,"b":"true"})",
    R"({"id":6,"ip":"1.2.3"})",
    R"({"id":7,"d":null,"n":5})",
    "!not base64!",
    "!eyJza3UiOiJhIn0=",
    "!eyJza3UiOiJhIn0",
    "!eyJza3UiOiJhIn0\\/",
    "!eyJza3Ui\\u004fiJhIn0=",
};

// Calls `visit(event, plan)` for every case of the corpus, in a fixed order.
template <typename Visit>
void for_each_case(Visit&& visit) {
  auto orders_plan = TablePlan::build(orders());
  auto wide_plan = TablePlan::build(wide());
  ASSERT_TRUE(orders_plan.ok());
  ASSERT_TRUE(wide_plan.ok());
  for (const char* f : {"orders-batch.json", "clicks-mixed.json", "empty-batch.json", "not-kinesis.json"}) {
    const std::string ev = read(std::string(K2C_SOURCE_DIR) + "/events/" + f);
    ASSERT_FALSE(ev.empty()) << f;
    visit(ev, *orders_plan);
    visit(ev, *wide_plan);
  }
  // Each crafted payload alone, and all of them in one batch.
  std::vector<std::string> all;
  for (const char* p : kCrafted) {
    all.push_back(p);
    const std::string ev = event_of({p});
    visit(ev, *orders_plan);
    visit(ev, *wide_plan);
  }
  visit(event_of(all), *orders_plan);
  visit(event_of(all), *wide_plan);

  // Random byte mutations of valid payloads, in batches of 16.
  std::mt19937_64 rng(42);
  for (int batch = 0; batch < 150; ++batch) {
    std::vector<std::string> payloads;
    for (int i = 0; i < 16; ++i) {
      std::string p = kCrafted[rng() % 3];
      if (rng() % 2) p = kCrafted[32 + rng() % 2];
      for (int k = static_cast<int>(rng() % 4); k > 0; --k) {
        const size_t pos = rng() % p.size();
        switch (rng() % 3) {
          case 0: p[pos] = "{}[]\",:0123456789.-eE tfnu\\"[rng() % 27]; break;
          case 1: p.erase(pos, 1); break;
          default: p.insert(pos, 1, static_cast<char>(rng())); break;
        }
      }
      payloads.push_back(p);
    }
    visit(event_of(payloads), *orders_plan);
    visit(event_of(payloads), *wide_plan);
  }

  // Envelope variations: escaped keys and values, reordered fields, missing
  // fields, wrong types, trailing bytes.
  const std::string good = testing::base64_encode(kCrafted[0]);
  const std::string envelopes[] = {
      "{\"Records\":[{\"eventSourceARN\":\"arn:x\",\"eventID\":\"shard-1\",\"kinesis\":{\"data\":\"" + good +
          "\",\"sequenceNumber\":\"1\"}}]}",
      "{\"Rec\\u006frds\":[{\"event\\u0053ourceARN\":\"arn:\\/x\",\"kinesis\":{\"d\\u0061ta\":\"" + good +
          "\",\"sequenceNumber\":\"\\u0031\",\"partitionKey\":\"p\\\"k\",\"approximateArrivalTimestamp\":1.5e2 }}]}",
      "{\"Records\":[{\"eventSourceARN\":\"arn:x\",\"kinesis\":{\"data\":\"" + good + "\"}}]}",
      "{\"Records\":[{\"eventSourceARN\":\"arn:x\",\"kinesis\":{\"data\":5,\"sequenceNumber\":\"1\"}}]}",
      "{\"Records\":[{\"eventSourceARN\":\"arn:x\",\"kinesis\":{\"data\":\"" + good +
          "\",\"sequenceNumber\":\"1\",\"approximateArrivalTimestamp\":\"1\"}}]}",
      "{\"Records\":[{\"eventSourceARN\":\"arn:x\",\"kinesis\":{\"data\":\"" + good +
          "\",\"sequenceNumber\":\"1\",\"partitionKey\":7}}]}",
      "{\"Records\":[]} x",
      "{\"Records\":{}}",
      "{\"Records\":[1]}",
      "{\"Records\":[{\"kinesis\":[]}]}",
      "[]",
      "{\"Other\":1}",
      "{\"Records\":[],\"Records\":[{\"eventSourceARN\":\"arn:x\",\"kinesis\":{\"data\":\"" + good +
          "\",\"sequenceNumber\":\"1\"}}]}",
      "  {\"Records\":[ { \"kinesis\" : { \"data\" : \"" + good +
          "\" , \"sequenceNumber\" : \"1\" } , \"eventSourceARN\" : \"a\" , \"eventID\" : \"s:1:2\" } ] }  \n",
  };
  for (const auto& ev : envelopes) {
    visit(ev, *orders_plan);
  }
}

TEST(BatchCharacterization, OutputsMatchThePinnedDigest) {
  EnvelopeDecoder dec;
  BatchEncoder enc;
  Digest d;
  for_each_case([&](std::string_view ev, const TablePlan& plan) { run_case(ev, plan, dec, enc, d); });
  // The corpus exercises rows, dead letters and envelope errors alike.
  EXPECT_GT(d.rows, 4000u);
  EXPECT_GT(d.dead_letters, 5000u);
  EXPECT_GT(d.envelope_errors, 10u);
  // Re-pinned once, on purpose: a DEFAULT column that only dead-lettered
  // records name is no longer sent (38 of the column-set outputs lose it;
  // rows, dead letters and the RowBinaryWithDefaults outputs are unchanged).
  EXPECT_EQ(d.h, 0x14b92d6f812d3369u) << std::hex << d.h << " rows " << std::dec << d.rows
                                     << " dead letters " << d.dead_letters << " envelope errors "
                                     << d.envelope_errors;
}

// Payloads aimed at the edges of the fast lane (handler/json_scan.h): every
// place it gives up, and every shape it must write exactly as the general
// lane does.
std::vector<std::string> fast_lane_cases() {
  std::vector<std::string> v = {
      R"({})",
      R"( { } )",
      "{\"sku\":\"a\"}\n",
      "\t{\r\n\"sku\"\t:\n\"a\" ,\"quantity\" :7 }",
      R"({"tags":[]})",
      R"({"tags":[ ]})",
      R"({"tags":["a" , "b",""]})",
      R"({"tags":["a",null]})",
      R"({"tags":["a",["b"]]})",
      R"({"tags":["a",{"b":1}]})",
      R"({"tags":[1,2.5,-0,true,false]})",
      R"({"tags":["a",]})",
      R"({"tags":["a")",
      R"({"tags":"a"})",
      R"({"coupon":["x"]})",
      R"({"sku":["x"]})",
      R"({"sku":{"a":1}})",
      R"({"sku":"tab\there"})",
      "{\"sku\":\"raw\ttab\"}",
      "{\"sku\":\"raw\x01ctl\"}",
      "{\"sku\":\"caf\xc3\xa9\"}",
      "{\"sku\":\"bad\xc3\"}",
      "{\"sku\":\"bad\xff\"}",
      "{\"note\":\"bad\xff\",\"sku\":\"a\"}",
      R"({"note":"esc \" \\ \/ \b \f \n \r \t \u00e9","sku":"a"})",
      R"({"note":"bad \x","sku":"a"})",
      R"({"note":"bad \u12","sku":"a"})",
      R"({"note":"lone \ud800","sku":"a"})",
      R"({"note":{"a":[1,{"b":[true,false,null,"x",-1.5e+3]}],"c":{}},"sku":"a"})",
      R"({"note":[1 2],"sku":"a"})",
      R"({"note":{"a" 1},"sku":"a"})",
      R"({"note":{"a":1,},"sku":"a"})",
      R"({"note":-,"sku":"a"})",
      R"({"note":1.,"sku":"a"})",
      R"({"note":.5,"sku":"a"})",
      R"({"note":1e,"sku":"a"})",
      R"({"note":+1,"sku":"a"})",
      R"({"note":nul,"sku":"a"})",
      R"({"note":truex,"sku":"a"})",
      R"({"quantity":1E2,"customer_id":-0.0e-0,"price":12.5})",
      R"({"quantity":1 ,"customer_id" : 2 })",
      R"({"quantity":-1})",
      R"({"quantity":007})",
      R"({"quantity":true})",
      R"({"customer_id":null,"customer_id":5})",
      R"({"customer_id":5,"customer_id":null})",
      R"({"sku":"a","order_id":"6513270e-269e-0d37-f2a7-4de452e6b438"})",
      R"({"discount":0.5})",
      R"({"discount":null})",
      R"({"s\u006bu":"a"})",
      R"({"sku":"a"}})",
      R"({"sku":"a"},)",
      R"({"sku":"a")",
      R"({"sku")",
      R"({"sku":)",
      R"({"sku")",
      R"({)",
      R"({"id":1,"n":null,"d":4,"t":"2024-05-01 10:00:00.123","s":["a","b"],"b":true,"ip":"::1"})",
      R"({"id":1,"tu":["y",[1.5]],"m":{"a":1}})",
      R"({"id":"9","s":[null,"x"],"b":false,"dec":"1.5"})",
  };
  // Arrays whose count needs a two-byte varint, and a deep unknown value.
  std::string many = R"({"tags":[)";
  for (int i = 0; i < 300; ++i) many += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
  v.push_back(many + "]}");
  v.push_back(R"({"note":)" + std::string(100, '[') + std::string(100, ']') + R"(,"sku":"deep"})");
  v.push_back(R"({"note":)" + std::string(40, '[') + std::string(40, ']') + R"(,"sku":"deep"})");
  // Strings ending at every offset around the 16- and 64-byte steps of the
  // string scan, at the very end of the payload (the padding after it).
  for (size_t n = 0; n < 140; ++n) v.push_back(R"({"sku":")" + std::string(n, 'x') + R"("})");
  for (size_t n = 0; n < 70; ++n) v.push_back(R"({"sku":")" + std::string(n, 'y'));
  for (size_t n = 0; n < 70; ++n) v.push_back(R"({"sku":"a"})" + std::string(n, ' '));
  return v;
}

// What one lane makes of one event, as comparable text.
std::string outcome(std::string_view event, const TablePlan& plan, EnvelopeDecoder& dec,
                    BatchEncoder& enc) {
  Digest d;
  run_case(event, plan, dec, enc, d);
  return std::to_string(d.h) + "/" + std::to_string(d.rows) + "/" + std::to_string(d.dead_letters);
}

TEST(BatchCharacterization, FastLaneMatchesTheGeneralLane) {
  EnvelopeDecoder dec;
  BatchEncoder fast;
  BatchEncoder general;
  general.set_fast_lane(false);
  size_t cases = 0;
  auto compare = [&](std::string_view ev, const TablePlan& plan) {
    ++cases;
    EXPECT_EQ(outcome(ev, plan, dec, fast), outcome(ev, plan, dec, general)) << ev;
  };
  for_each_case(compare);
  auto orders_plan = TablePlan::build(orders());
  auto wide_plan = TablePlan::build(wide());
  ASSERT_TRUE(orders_plan.ok() && wide_plan.ok());
  std::vector<std::string> all;
  for (const auto& p : fast_lane_cases()) {
    all.push_back(p);
    compare(event_of({p}), *orders_plan);
    compare(event_of({p}), *wide_plan);
  }
  compare(event_of(all), *orders_plan);
  compare(event_of(all), *wide_plan);
  // Random mutations of the fast lane's cases.
  std::mt19937_64 rng(7);
  const auto base = fast_lane_cases();
  for (int batch = 0; batch < 200; ++batch) {
    std::vector<std::string> payloads;
    for (int i = 0; i < 16; ++i) {
      std::string p = base[rng() % 60];
      for (int k = static_cast<int>(rng() % 3); k > 0 && !p.empty(); --k) {
        const size_t pos = rng() % p.size();
        switch (rng() % 3) {
          case 0: p[pos] = "{}[]\",:0123456789.-eE tfnu\\\x80\x1f"[rng() % 29]; break;
          case 1: p.erase(pos, 1); break;
          default: p.insert(pos, 1, static_cast<char>(rng())); break;
        }
      }
      payloads.push_back(p);
    }
    compare(event_of(payloads), *orders_plan);
    compare(event_of(payloads), *wide_plan);
  }
  EXPECT_GT(cases, 1000u);
  // Both lanes ran: the fast one wrote most rows, the general one none.
  EXPECT_GT(fast.fast_lane_rows(), 5000u);
  EXPECT_EQ(general.fast_lane_rows(), 0u);
}

}  // namespace
}  // namespace k2c
