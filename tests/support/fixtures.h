// Where the external fixtures live: ../shared/fixtures/external beside the
// checkout (public Kinesis, CloudWatch Logs and KPL test data written by
// other projects; SOURCES.md there says where each file comes from), or
// K2C_FIXTURES when set. Tests that need them skip, saying so, when the
// folder is absent.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace k2c::testing {

inline std::string fixtures_dir() {
  if (const char* d = std::getenv("K2C_FIXTURES"); d && *d) return d;
  return std::string(K2C_SOURCE_DIR) + "/../shared/fixtures/external";
}

inline bool have_fixtures() { return std::filesystem::is_directory(fixtures_dir()); }

inline std::string read_fixture(const std::string& relative) {
  std::ifstream f(fixtures_dir() + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace k2c::testing
