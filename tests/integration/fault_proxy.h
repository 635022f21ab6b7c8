// The fault proxy (tests/integration/fault_proxy.py) in front of the real
// ClickHouse, started as a child process and stopped by PID.
//
// plan() sets the fate of the next INSERT requests (see the script);
// inserts() is what every INSERT request looked like on the wire: one line
// each, "<fate> <Content-Encoding or -> <Content-Length> <table>".
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "tests/integration/harness.h"

namespace k2c::testing {

class FaultProxy {
 public:
  FaultProxy(const std::string& upstream_url, const std::string& dir) {
    const std::string port = upstream_url.substr(upstream_url.rfind(':') + 1);
    port_file_ = dir + "proxy.port";
    plan_file_ = dir + "proxy.plan";
    inserts_file_ = dir + "proxy.inserts";
    std::remove(port_file_.c_str());
    std::remove(inserts_file_.c_str());
    plan("");
    pid_ = fork();
    if (pid_ == 0) {
      execl("/usr/bin/python3", "python3", K2C_SOURCE_DIR "/tests/integration/fault_proxy.py",
            port.c_str(), port_file_.c_str(), plan_file_.c_str(), inserts_file_.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200 && read_file(port_file_).empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    url_ = "http://127.0.0.1:" + read_file(port_file_);
  }
  ~FaultProxy() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  void plan(const std::string& lines) { std::ofstream(plan_file_) << lines; }
  std::string remaining_plan() { return read_file(plan_file_); }
  std::string inserts() { return read_file(inserts_file_); }
  void clear_inserts() { std::remove(inserts_file_.c_str()); }
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  std::string port_file_, plan_file_, inserts_file_, url_;
};

}  // namespace k2c::testing
