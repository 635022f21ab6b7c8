// Shared helpers for integration tests: where the local servers are.
//
// CTest's fixture runs `tools/servers up DIR` before the integration tests and
// exports nothing; the servers' addresses are in DIR/env (shell KEY=VALUE
// lines), whose path is the compile definition K2C_SERVERS_ENV. Header-only so
// every test file can include it without a library of its own.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace k2c::testing {

using ServersEnv = std::map<std::string, std::string>;

// Parses a shell-style KEY=VALUE file (comments, blank lines, optional
// single or double quotes around a value). Throws when the file is missing:
// the tests then fail loudly instead of talking to nothing.
inline ServersEnv read_servers_env(const std::string& path = K2C_SERVERS_ENV) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot read " + path +
                             ": run the tests through ctest so "
                             "the servers fixture starts the local servers");
  ServersEnv env;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("export ")) line.erase(0, 7);
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    env[line.substr(0, eq)] = value;
  }
  return env;
}

// One value of the servers' env file; throws when absent.
inline std::string servers_env(const std::string& key) {
  auto env = read_servers_env();
  auto it = env.find(key);
  if (it == env.end()) throw std::runtime_error(key + " missing from " K2C_SERVERS_ENV);
  return it->second;
}

// A TCP port on 127.0.0.1 that was free a moment ago (nothing listens on it
// once this returns), for "server not reachable" tests.
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind() to 127.0.0.1:0 failed");
  }
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

}  // namespace k2c::testing
