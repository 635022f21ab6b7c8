// The independent oracle: ClickHouse itself turns JSONEachRow into RowBinary,
// and for rows where our rules (SPEC §4) and the server's JSON parsing agree,
// its bytes must equal ours.
//
// How the server encodes: the HTTP interface with external data, a POST of
// multipart/form-data with a file part `t` to
//   {url}/?query=SELECT * FROM t FORMAT RowBinary&t_structure=...&t_format=JSONEachRow
// ClickHouse 18.16 splits t_structure at every comma, so a type with a comma
// inside (Decimal(P, S), Tuple(...), Enum8('a' = 1, ...)) cannot be declared
// that way; such rows go through a temporary Memory table instead
// (CREATE, INSERT ... FORMAT JSONEachRow, SELECT ... FORMAT RowBinary, DROP),
// the same server-side parser.
//
// Time zones: DateTime columns are declared DateTime('UTC'), so the server
// parses naive text in UTC as we do (the bytes are Unix seconds either way;
// only the parsing zone matters), whatever the server's own time zone is. Rows
// also feed Unix-second numbers.
//
// Only forms both sides accept are compared. Known differences (our rule
// wins, documented in schema/TYPES.md): 18.16 rejects Decimal text with more
// fraction digits than S (we truncate) and Enum numbers in JSON (we accept
// defined numbers); 18.16's Date and DateTime end at 2105-12-31 (its date
// tables), we take the current documented ranges (Date to 2149-06-06,
// DateTime to 2106-02-07 06:28:15); we reject some forms the server would
// coerce.
// Types 18.16 cannot host (Int128+, Decimal128+, Date32, DateTime64, Bool,
// IPv4/IPv6, Map) are covered by byte tables in tests/rowbinary.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rowbinary/encoder.h"
#include "tests/integration/servers.h"
#include "tests/rowbinary/encoder_test_util.h"

namespace k2c {
namespace {

using Columns = std::vector<std::pair<std::string, std::string>>;  // name, type

using testing::to_hex;

size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

class ClickHouse {
 public:
  ClickHouse() : url_(testing::servers_env("K2C_CLICKHOUSE_URL")) {}

  // POSTs `body` (a query, or data for the query in the URL); throws on non-200.
  std::string post(const std::string& url_query, const std::string& body,
                   curl_mime* mime = nullptr) {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    std::string response;
    std::string url = url_ + "/" + url_query;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    if (mime) {
      curl_easy_setopt(curl.get(), CURLOPT_MIMEPOST, mime);
    } else {
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(curl.get());
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200)
      throw std::runtime_error("ClickHouse " + url + " -> " + std::to_string(status) + " " +
                               curl_easy_strerror(rc) + ": " + response);
    return response;
  }

  std::string escape(const std::string& s) {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    char* e = curl_easy_escape(curl.get(), s.data(), static_cast<int>(s.size()));
    std::string out(e);
    curl_free(e);
    return out;
  }

  // RowBinary of `rows` (JSONEachRow) as the server encodes them.
  std::string encode(const Columns& columns, const std::string& rows) {
    std::string structure;
    bool has_comma = false;
    for (const auto& [name, type] : columns) {
      if (!structure.empty()) structure += ", ";
      structure += "`" + name + "` " + type;
      has_comma |= type.find(',') != std::string::npos;
    }
    return has_comma ? via_memory_table(columns, structure, rows)
                     : via_external_data(columns, rows);
  }

  std::string via_external_data(const Columns& columns, const std::string& rows) {
    std::string structure;
    for (const auto& [name, type] : columns) {
      if (!structure.empty()) structure += ",";
      structure += name + " " + type;
    }
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    curl_mime* mime = curl_mime_init(curl.get());
    curl_mimepart* part = curl_mime_addpart(mime);
    curl_mime_name(part, "t");
    curl_mime_filename(part, "t.json");
    curl_mime_data(part, rows.data(), rows.size());
    std::string out;
    try {
      out = post("?query=" + escape("SELECT * FROM t FORMAT RowBinary") +
                     "&t_structure=" + escape(structure) + "&t_format=JSONEachRow",
                 "", mime);
    } catch (...) {
      curl_mime_free(mime);
      throw;
    }
    curl_mime_free(mime);
    return out;
  }

  std::string via_memory_table(const Columns&, const std::string& structure,
                               const std::string& rows) {
    static std::atomic<int> counter{0};
    std::string table = "oracle_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    post("", "CREATE TABLE " + table + " (" + structure + ") ENGINE = Memory");
    std::string out;
    try {
      post("?query=" + escape("INSERT INTO " + table + " FORMAT JSONEachRow"), rows);
      out = post("", "SELECT * FROM " + table + " FORMAT RowBinary");
    } catch (...) {
      post("", "DROP TABLE IF EXISTS " + table);
      throw;
    }
    post("", "DROP TABLE IF EXISTS " + table);
    return out;
  }

 private:
  std::string url_;
};

// Our RowBinary of the same rows: one encoder per column, fields looked up
// by name as the handler does (every row here carries every column).
std::string our_encoding(const Columns& columns, const std::vector<std::string>& rows) {
  std::vector<std::unique_ptr<Encoder>> encoders;
  for (const auto& [name, type] : columns) {
    auto t = parse_type(type);
    if (!t.ok()) throw std::runtime_error(t.error().message);
    encoders.push_back(make_encoder(*t));
  }
  simdjson::ondemand::parser parser;
  std::string out;
  for (const auto& row : rows) {
    simdjson::padded_string json(row);
    for (size_t i = 0; i < columns.size(); ++i) {
      simdjson::ondemand::document doc;
      simdjson::ondemand::value v;
      if (parser.iterate(json).get(doc) || doc[columns[i].first].get(v))
        throw std::runtime_error("row lacks " + columns[i].first + ": " + row);
      auto st = encoders[i]->encode(v, out);
      if (!st.ok()) throw std::runtime_error(columns[i].second + ": " + st.error().message);
    }
  }
  return out;
}

void expect_same_bytes(const Columns& columns, const std::vector<std::string>& rows) {
  std::string jsonl;
  for (const auto& r : rows) jsonl += r + "\n";
  ClickHouse ch;
  std::string theirs = ch.encode(columns, jsonl);
  std::string ours = our_encoding(columns, rows);
  EXPECT_EQ(to_hex(ours), to_hex(theirs)) << "rows:\n" << jsonl;
}

TEST(ServerOracle, ExternalDataAndMemoryTableAgree) {
  // The two ways of asking the server must themselves agree.
  Columns cols = {{"a", "Int32"}, {"b", "String"}};
  std::string rows = "{\"a\":1,\"b\":\"x\"}\n{\"a\":-7,\"b\":\"\"}\n";
  ClickHouse ch;
  EXPECT_EQ(to_hex(ch.via_external_data(cols, rows)),
            to_hex(ch.via_memory_table(cols, "a Int32, b String", rows)));
}

TEST(ServerOracle, Integers) {
  expect_same_bytes(
      {{"a", "Int8"},
       {"b", "Int16"},
       {"c", "Int32"},
       {"d", "Int64"},
       {"e", "UInt8"},
       {"f", "UInt16"},
       {"g", "UInt32"},
       {"h", "UInt64"}},
      {R"({"a":-128,"b":-32768,"c":-2147483648,"d":-9223372036854775808,"e":0,"f":0,"g":0,"h":0})",
       R"({"a":127,"b":32767,"c":2147483647,"d":9223372036854775807,"e":255,"f":65535,"g":4294967295,"h":18446744073709551615})",
       R"({"a":0,"b":-1,"c":42,"d":-1,"e":7,"f":300,"g":1700000000,"h":1})",
       R"({"a":"-5","b":"123","c":"-42","d":"99","e":"8","f":"9","g":"10","h":"11"})"});
}

TEST(ServerOracle, Floats) {
  expect_same_bytes({{"a", "Float32"}, {"b", "Float64"}},
                    {R"({"a":1.5,"b":-2})", R"({"a":0.1,"b":0.1})",
                     R"({"a":3.4028235e38,"b":123.456})", R"({"a":-0.25,"b":1e10})",
                     R"({"a":0,"b":1.7976931348623157e308})", R"({"a":1e-3,"b":2.5e-8})"});
}

TEST(ServerOracle, Decimals) {
  // Fraction digits up to S only: 18.16 rejects more, we truncate.
  expect_same_bytes(
      {{"a", "Decimal(9, 2)"},
       {"b", "Decimal(18, 4)"},
       {"c", "Decimal32(3)"},
       {"d", "Decimal64(0)"}},
      {R"({"a":12.34,"b":12345678901234.5678,"c":-1.5,"d":123456789012345678})",
       R"({"a":-1.5,"b":-0.0001,"c":999999.999,"d":-1})", R"({"a":0,"b":1,"c":0.001,"d":0})",
       R"({"a":9999999.99,"b":-99999999999999.9999,"c":-999999.999,"d":999999999999999999})"});
}

TEST(ServerOracle, StringsAndFixedStrings) {
  expect_same_bytes(
      {{"s", "String"}, {"f", "FixedString(4)"}},
      {R"({"s":"","f":""})", R"({"s":"abc","f":"ab"})", R"({"s":"a\"b\\c\n\t/","f":"abcd"})",
       R"({"s":"h\u00e9llo \ud83d\ude00","f":"\u00e9"})", R"({"s":"x\u0000y","f":"a\u0000"})"});
}

TEST(ServerOracle, DatesAndDateTimes) {
  expect_same_bytes(
      {{"d", "Date"}, {"t", "DateTime('UTC')"}},
      {R"({"d":"1970-01-01","t":"1970-01-01 00:00:00"})",
       R"({"d":"2023-11-14","t":"2023-11-14 22:13:20"})", R"({"d":"2000-02-29","t":1700000000})",
       // 18.16's date tables end in 2105: its Date and DateTime past that
       // wrap (we take today's documented ranges, up to 2149-06-06 and
       // 2106-02-07 06:28:15; tests/rowbinary/time_test.cc pins those bytes).
       R"({"d":"2105-12-31","t":"2105-12-31 23:59:59"})", R"({"d":"1999-12-31","t":0})"});
}

TEST(ServerOracle, Uuids) {
  expect_same_bytes({{"u", "UUID"}}, {R"({"u":"00112233-4455-6677-8899-aabbccddeeff"})",
                                      R"({"u":"00000000-0000-0000-0000-000000000000"})",
                                      R"({"u":"f81d4fae-7dec-11d0-a765-00a0c91e6bf6"})"});
}

TEST(ServerOracle, Enums) {
  // Names only: 18.16's JSONEachRow takes no Enum numbers.
  expect_same_bytes({{"a", "Enum8('a' = 1, 'b' = -2)"}, {"b", "Enum16('x' = 300, 'y' = 7)"}},
                    {R"({"a":"a","b":"x"})", R"({"a":"b","b":"y"})"});
}

TEST(ServerOracle, ArraysTuplesNullables) {
  expect_same_bytes(
      {{"a", "Array(Int32)"},
       {"b", "Array(String)"},
       {"c", "Array(Nullable(Int8))"},
       {"d", "Array(Array(UInt8))"},
       {"t", "Tuple(Int8, String)"},
       {"n", "Nullable(Int32)"},
       {"m", "Nullable(String)"},
       {"l", "LowCardinality(String)"}},
      {R"({"a":[],"b":[],"c":[],"d":[],"t":[1,"a"],"n":null,"m":null,"l":""})",
       R"({"a":[1,-2,3],"b":["x","","z"],"c":[1,null,-1],"d":[[1],[],[2,3]],"t":[-1,""],"n":7,"m":"q","l":"lc"})"});
}

}  // namespace
}  // namespace k2c
