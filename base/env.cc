#include "base/env.h"

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace k2c {
namespace {

int64_t read_ms(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

class SystemClock final : public Clock {
 public:
  int64_t epoch_ms() const override { return read_ms(CLOCK_REALTIME); }
  int64_t monotonic_us() const override {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  }
  double process_cpu_ms() const override {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }
  void sleep_ms(int64_t ms) override {
    if (ms <= 0) return;
    timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0) {
    }
  }
};

// One write(2) per line, so concurrent writers never interleave inside a line.
class FileDescriptorSink final : public LogSink {
 public:
  explicit FileDescriptorSink(int fd) : fd_(fd) {}
  void write(std::string_view line) override {
    buffer_.assign(line);
    buffer_.push_back('\n');
    const char* p = buffer_.data();
    size_t left = buffer_.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n <= 0) return;
      p += n;
      left -= static_cast<size_t>(n);
    }
  }

 private:
  int fd_;
  std::string buffer_;
};

}  // namespace

Clock& Clock::system() {
  static SystemClock clock;
  return clock;
}

LogSink& LogSink::standard_error() {
  static FileDescriptorSink sink(STDERR_FILENO);
  return sink;
}

LogSink& LogSink::standard_output() {
  static FileDescriptorSink sink(STDOUT_FILENO);
  return sink;
}

}  // namespace k2c
