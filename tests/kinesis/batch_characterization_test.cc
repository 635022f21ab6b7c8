// Characterization of the envelope decoder and the batch encoder: a
// transcript of everything they produce (rows, body bytes, column set, dead
// letters with code, message and raw bytes; envelope errors) over the sample
// events and thousands of crafted and randomly mutated records, compared
// with the golden file tests/kinesis/golden/batch_characterization.txt. Any
// change in behaviour shows as a readable diff: the test prints the first
// differing lines and writes the whole transcript next to the test binary
// (batch_characterization.actual.txt). After a change of behaviour that is
// intended, K2C_UPDATE_GOLDEN=1 rewrites the golden file; its diff is then
// part of the commit that changes the behaviour.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kinesis/batch.h"
#include "kinesis/kinesis.h"
#include "bench/schemas.h"
#include "tests/support/base64_encode.h"

namespace k2c {
namespace {

// Text lines, one fact each. Bytes up to kInline long are written in full
// (hex for bodies, escaped text for messages and raw payloads); longer ones
// as their length, an FNV-1a hash and their first bytes, which still
// pinpoints the case that changed.
struct Transcript {
  static constexpr size_t kInline = 256;
  std::string text;
  size_t rows = 0, dead_letters = 0, envelope_errors = 0;

  static uint64_t fnv(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
  }
  static std::string hex(std::string_view s) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
      out.push_back(d[c >> 4]);
      out.push_back(d[c & 15]);
    }
    return out;
  }
  static std::string escaped(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
      if (c == '\\') out += "\\\\";
      else if (c >= 0x20 && c < 0x7f) out.push_back(static_cast<char>(c));
      else out += "\\x" + hex(std::string_view(reinterpret_cast<const char*>(&c), 1));
    }
    return out;
  }
  static std::string bytes(std::string_view s, bool as_hex) {
    if (s.size() <= kInline) return as_hex ? hex(s) : escaped(s);
    char h[17];
    std::snprintf(h, sizeof h, "%016llx", static_cast<unsigned long long>(fnv(s)));
    return std::to_string(s.size()) + " bytes, fnv " + h + ", starting " +
           (as_hex ? hex(s.substr(0, 64)) : escaped(s.substr(0, 64)));
  }
  void line(std::string_view l) {
    text += l;
    text += '\n';
  }
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
              BatchEncoder& enc, Transcript& t) {
  auto records = dec.decode(event);
  if (!records.ok()) {
    ++t.envelope_errors;
    t.line("envelope error: " + Transcript::escaped(records.error().message));
    return;
  }
  std::vector<uint32_t> which;
  for (uint32_t i = 0; i < records->size(); ++i) which.push_back(i);
  for (bool with_defaults : {false, true}) {
    EncodedBatch out;
    enc.encode(*records, which, plan, with_defaults, out);
    std::string l = std::string(out.format()) + " columns";
    for (auto c : out.included) l += " " + std::to_string(c);
    l += " rows";
    for (auto r : out.rows) l += " " + std::to_string(r);
    t.line(l);
    t.rows += out.rows.size();
    t.dead_letters += out.dead_letters.size();
    t.line("  body " + Transcript::bytes(out.body, true));
    for (const auto& dl : out.dead_letters)
      t.line("  dead " + std::to_string(dl.record) + " " + to_string(dl.code) + ": " +
             Transcript::escaped(dl.message) + " | raw " + Transcript::bytes(dl.raw, false));
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

std::string read_file(const std::string& path, bool* found) {
  std::ifstream f(path, std::ios::binary);
  *found = static_cast<bool>(f);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string_view> lines_of(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto nl = s.find('\n');
    out.push_back(s.substr(0, nl));
    s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
  }
  return out;
}

// The first `limit` lines where `want` and `got` differ, as "-" / "+" pairs
// with their line numbers, and the case each falls in.
std::string first_differences(std::string_view want, std::string_view got, int limit) {
  const auto a = lines_of(want), b = lines_of(got);
  std::string out;
  std::string_view current_case;
  for (size_t i = 0; i < std::max(a.size(), b.size()) && limit > 0; ++i) {
    const std::string_view x = i < a.size() ? a[i] : "<end of golden file>";
    const std::string_view y = i < b.size() ? b[i] : "<end of transcript>";
    if (x.rfind("case ", 0) == 0) current_case = x;
    if (x == y) continue;
    --limit;
    out += "line " + std::to_string(i + 1) + " (" + std::string(current_case) + ")\n  - " +
           std::string(x) + "\n  + " + std::string(y) + "\n";
  }
  return out;
}

TEST(BatchCharacterization, OutputsMatchTheGoldenFile) {
  EnvelopeDecoder dec;
  BatchEncoder enc;
  Transcript t;
  size_t n = 0;
  for_each_case([&](std::string_view ev, const TablePlan& plan) {
    t.line("case " + std::to_string(n++) + ", " + std::to_string(plan.columns().size()) +
           " columns");
    run_case(ev, plan, dec, enc, t);
  });
  // The corpus exercises rows, dead letters and envelope errors alike.
  EXPECT_GT(t.rows, 4000u);
  EXPECT_GT(t.dead_letters, 5000u);
  EXPECT_GT(t.envelope_errors, 10u);

  const std::string golden = std::string(K2C_SOURCE_DIR) + "/tests/kinesis/golden/batch_characterization.txt";
  if (const char* u = std::getenv("K2C_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(golden, std::ios::binary) << t.text;
    GTEST_SKIP() << "rewrote " << golden;
  }
  bool found = false;
  const std::string want = read_file(golden, &found);
  ASSERT_TRUE(found) << golden << " is missing (K2C_UPDATE_GOLDEN=1 writes it)";
  if (want != t.text) {
    std::ofstream("batch_characterization.actual.txt", std::ios::binary) << t.text;
    FAIL() << "the transcript differs from " << golden
           << " (whole transcript: batch_characterization.actual.txt in the test's directory; "
              "diff -u the two)\n"
           << first_differences(want, t.text, 12);
  }
}

// Payloads aimed at the edges of the fast lane (kinesis/json_scan.h): every
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
  Transcript t;
  run_case(event, plan, dec, enc, t);
  return t.text;
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
