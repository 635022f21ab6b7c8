#include "base/identifier.h"

namespace k2c {

bool is_identifier(std::string_view name) noexcept {
  if (name.empty() || name.size() > 255) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

bool is_setting_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string quote_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  append_quoted_identifier(out, name);
  return out;
}

void append_quoted_identifier(std::string& out, std::string_view name) {
  out.push_back('`');
  out.append(name);
  out.push_back('`');
}

}  // namespace k2c
