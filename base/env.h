// The process's doors to time and to its log, as parameters (LevelDB's Env,
// reduced to what the function uses).
//
// Code that orchestrates (Function, the clients' retry loops, deadlines)
// takes a Clock and a LogSink instead of calling the system, so its tests run
// with a fake clock that moves only when told and a sink that keeps lines, and
// no test asserts wall-clock time. Clock::system(), LogSink::standard_error()
// (the log) and LogSink::standard_output() (the metrics lines) are the real
// ones, used by main.
#pragma once

#include <cstdint>
#include <string_view>

namespace k2c {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall clock, milliseconds since the Unix epoch (Lambda's deadlines are in it).
  virtual int64_t epoch_ms() const = 0;
  // A monotonic clock, microseconds from an arbitrary origin (cache ages, durations).
  virtual int64_t monotonic_us() const = 0;
  // CPU time this process has used, milliseconds.
  virtual double process_cpu_ms() const = 0;
  // Waits (a retry's backoff). A fake advances its time instead.
  virtual void sleep_ms(int64_t ms) = 0;

  static Clock& system();
};

class LogSink {
 public:
  virtual ~LogSink() = default;
  // One complete log line, without its newline.
  virtual void write(std::string_view line) = 0;

  static LogSink& standard_error();
  static LogSink& standard_output();
};

}  // namespace k2c
