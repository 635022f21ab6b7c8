#include "base/error.h"

namespace k2c {

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::bad_record: return "bad_record";
    case ErrorKind::transient: return "transient";
    case ErrorKind::permanent: return "permanent";
    case ErrorKind::config: return "config";
    case ErrorKind::invalid_event: return "invalid_event";
  }
  return "unknown";
}

}  // namespace k2c
