// A thin ClickHouse client over the HTTP interface.
//
// One HttpTransport (one kept-alive connection) per process. Credentials go in
// the X-ClickHouse-User / X-ClickHouse-Key headers, never in URLs or
// messages. Errors are classified by the server's exception code
// (app/clickhouse_errors.h): ErrorKind::permanent for what retrying cannot
// fix (unknown table or column, type mismatch, authentication, access) is
// returned at once; ErrorKind::transient (server down, timeouts, too many
// parts, memory limits) gets a bounded retry with backoff inside the
// invocation deadline.
//
// Insert bodies are sent with the configured CLICKHOUSE_COMPRESSION: each body
// is compressed once per insert (not per retry) into the client's reused
// buffer and sent with its Content-Encoding; other statements are sent as-is.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/clickhouse_errors.h"
#include "app/compress.h"
#include "app/config.h"
#include "base/deadline.h"
#include "base/env.h"
#include "base/error.h"
#include "http/http.h"
#include "rowbinary/table_plan.h"

namespace k2c {

struct ServerVersion {
  int major = 0, minor = 0;
  // RowBinaryWithDefaults: ClickHouse PR #51695, merged July 2023 -> 23.7.
  // insert_deduplication_token: 22.2.
  bool has_row_binary_with_defaults() const { return major > 23 || (major == 23 && minor >= 7); }
  bool has_insert_deduplication_token() const { return major > 22 || (major == 22 && minor >= 2); }
};

// The columns in a DESCRIBE TABLE ... FORMAT JSONEachRow answer. Never
// throws: a malformed answer (not JSON, a missing or non-string field) is
// ErrorKind::transient, as a server or proxy in trouble sends it.
Result<std::vector<ColumnInfo>> parse_describe_answer(std::string_view body);

class ClickHouseClient {
 public:
  // `http` and `clock` must outlive the client.
  ClickHouseClient(const Config& config, HttpTransport& http, Clock& clock);

  // Runs a statement (the body of the POST); returns the answer's body.
  Result<std::string> query(std::string_view sql, const Deadline& deadline);

  Result<std::vector<ColumnInfo>> describe(std::string_view database, std::string_view table,
                                           const Deadline& deadline);

  Result<ServerVersion> version(const Deadline& deadline);  // asked once, then remembered

  // Which of `names` the server's system.settings lists (feature checks go
  // by setting, not by version). Asked once, then remembered: pass the same
  // names every time.
  // The set lives in the client (asked once, then remembered).
  Result<const std::set<std::string>*> settings_known(const std::vector<std::string>& names,
                                               const Deadline& deadline);

  // INSERT INTO `db`.`table` (columns) FORMAT format, with `body` as its data,
  // compressed with the configured codec. `settings` are URL parameters
  // (name, value).
  Status insert(std::string_view database, std::string_view table, std::string_view columns,
                std::string_view format, std::string_view body,
                const std::vector<std::pair<std::string, std::string>>& settings,
                const Deadline& deadline);

  // Bytes of insert bodies as sent (after compression) since construction,
  // each insert counted once however often post() retried it.
  uint64_t insert_bytes_sent() const noexcept { return insert_bytes_sent_; }

 private:
  // `content_encoding` names the body's encoding; empty = not encoded.
  Result<std::string> post(const std::string& url, std::string_view body,
                           std::string_view content_encoding, const Deadline& deadline);

  std::string url_;
  std::vector<std::string> auth_headers_;
  HttpTransport& http_;
  Clock& clock_;
  Compressor compressor_;
  ServerVersion version_;
  bool have_version_ = false;
  uint64_t insert_bytes_sent_ = 0;
  // Reused across inserts (their capacity stays): the request, its SQL and URL.
  HttpRequest request_;
  std::string sql_, insert_url_;
  std::set<std::string> settings_;
  bool have_settings_ = false;
};

}  // namespace k2c
