#include "rowbinary/type.h"

#include <cctype>
#include <charconv>

namespace k2c {
namespace {

struct Simple {
  std::string_view name;
  TypeId id;
};

constexpr Simple kSimpleTypes[] = {
    {"Int8", TypeId::Int8},         {"Int16", TypeId::Int16},       {"Int32", TypeId::Int32},
    {"Int64", TypeId::Int64},       {"Int128", TypeId::Int128},     {"Int256", TypeId::Int256},
    {"UInt8", TypeId::UInt8},       {"UInt16", TypeId::UInt16},     {"UInt32", TypeId::UInt32},
    {"UInt64", TypeId::UInt64},     {"UInt128", TypeId::UInt128},   {"UInt256", TypeId::UInt256},
    {"Float32", TypeId::Float32},   {"Float64", TypeId::Float64},   {"Bool", TypeId::Bool},
    {"Boolean", TypeId::Bool},      {"String", TypeId::String},     {"Date", TypeId::Date},
    {"Date32", TypeId::Date32},     {"DateTime", TypeId::DateTime}, {"UUID", TypeId::UUID},
    {"IPv4", TypeId::IPv4},         {"IPv6", TypeId::IPv6},         {"JSON", TypeId::Json},
    {"Dynamic", TypeId::Dynamic},
};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<TypeNode> parse_all() {
    auto t = parse();
    if (!t.ok()) return t;
    skip_ws();
    if (pos_ != s_.size()) return fail("unexpected text after the type");
    return t;
  }

 private:
  Error fail(std::string_view what) const {
    return make_error(ErrorKind::config,
                      "cannot parse ClickHouse type '" + std::string(s_) + "': " +
                          std::string(what) + " at offset " + std::to_string(pos_));
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t')) ++pos_;
  }
  bool eat(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool peek(char c) {
    skip_ws();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  std::string_view identifier() {
    skip_ws();
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
      ++pos_;
    return s_.substr(start, pos_ - start);
  }
  bool integer(int64_t& out) {
    skip_ws();
    size_t start = pos_;
    if (pos_ < s_.size() && (s_[pos_] == '-' || s_[pos_] == '+')) ++pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ == start) return false;  // nothing to read: never look past the end
    const char* b = s_.data() + start;
    if (*b == '+') ++b;
    auto [p, ec] = std::from_chars(b, s_.data() + pos_, out);
    return ec == std::errc() && p == s_.data() + pos_ && pos_ > start;
  }
  // A quoted string with backslash escapes, as in Enum names and time zones.
  bool quoted(std::string& out) {
    skip_ws();
    if (pos_ >= s_.size() || s_[pos_] != '\'') return false;
    ++pos_;
    out.clear();
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '\'') {
        if (pos_ < s_.size() && s_[pos_] == '\'') {  // '' is an escaped quote too
          out.push_back('\'');
          ++pos_;
          continue;
        }
        return true;
      }
      if (c == '\\' && pos_ < s_.size()) {
        char e = s_[pos_++];
        switch (e) {
          case 'n': out.push_back('\n'); break;
          case 't': out.push_back('\t'); break;
          case 'r': out.push_back('\r'); break;
          case '0': out.push_back('\0'); break;
          case 'b': out.push_back('\b'); break;
          case 'f': out.push_back('\f'); break;
          default: out.push_back(e); break;
        }
        continue;
      }
      out.push_back(c);
    }
    return false;
  }
  // A backquoted or plain name, for Tuple elements.
  bool element_name(std::string& out) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '`') {
      // The server backquotes with backslash escapes (`a\`b`); `` is a quote too.
      out.clear();
      for (size_t i = pos_ + 1; i < s_.size(); ++i) {
        char c = s_[i];
        if (c == '\\' && i + 1 < s_.size()) {
          out.push_back(s_[++i]);
        } else if (c == '`') {
          if (i + 1 < s_.size() && s_[i + 1] == '`') {
            out.push_back('`');
            ++i;
            continue;
          }
          pos_ = i + 1;
          return true;
        } else {
          out.push_back(c);
        }
      }
      return false;
    }
    out.assign(identifier());
    return !out.empty();
  }

  // Type texts come from the server, but a bound keeps a pathological one
  // from exhausting the stack (ClickHouse's own parser stops at 1000).
  static constexpr int kMaxDepth = 100;

  Result<TypeNode> parse() {
    if (depth_ >= kMaxDepth) return fail("type nested too deeply");
    ++depth_;
    auto result = parse_one();
    --depth_;
    return result;
  }

  Result<TypeNode> parse_one() {
    size_t start = pos_;
    std::string_view name = identifier();
    if (name.empty()) return fail("expected a type name");
    TypeNode node;
    auto finish = [&](TypeNode n) -> Result<TypeNode> {
      n.text.assign(trim(s_.substr(start, pos_ - start)));
      return n;
    };
    for (const auto& simple : kSimpleTypes) {
      if (simple.name == name) {
        node.id = simple.id;
        if (node.id == TypeId::DateTime && eat('(')) {
          if (!quoted(node.timezone) || !eat(')')) return fail("expected DateTime('zone')");
        }
        // JSON(max_dynamic_paths=N, a.b UInt32, SKIP c, ...) and
        // Dynamic(max_types=N): the parameters do not change the wire form.
        if ((node.id == TypeId::Json || node.id == TypeId::Dynamic) && eat('(')) {
          if (!skip_to_close()) return fail("expected ')'");
        }
        return finish(std::move(node));
      }
    }
    if (!eat('(')) return fail("unknown type '" + std::string(name) + "'");
    if (name == "Nullable" || name == "LowCardinality" || name == "Array") {
      node.id = name == "Nullable" ? TypeId::Nullable
                : name == "Array"  ? TypeId::Array
                                   : TypeId::LowCardinality;
      auto child = parse();
      if (!child.ok()) return child;
      node.children.push_back(std::move(child).value());
    } else if (name == "Object") {
      // Object('json'), also Object(Nullable('json')): the experimental JSON
      // type of 22.3-24.x.
      if (!skip_to_close()) return fail("expected ')'");
      node.id = TypeId::Json;
      node.legacy_object = true;
      return finish(std::move(node));
    } else if (name == "Variant") {
      node.id = TypeId::Variant;
      do {
        auto child = parse();
        if (!child.ok()) return child;
        node.children.push_back(std::move(child).value());
      } while (eat(','));
      if (node.children.size() > 254) return fail("a Variant has at most 254 alternatives");
    } else if (name == "Map") {
      node.id = TypeId::Map;
      for (int i = 0; i < 2; ++i) {
        if (i == 1 && !eat(',')) return fail("expected ',' in Map(K, V)");
        auto child = parse();
        if (!child.ok()) return child;
        node.children.push_back(std::move(child).value());
      }
    } else if (name == "Tuple") {
      node.id = TypeId::Tuple;
      if (auto st = parse_tuple(node); !st.ok()) return st.error();
      return finish(std::move(node));  // parse_tuple consumed ')'
    } else if (name == "SimpleAggregateFunction") {
      // SimpleAggregateFunction(func[(params)], T): stored and sent as T.
      identifier();
      if (eat('(')) {
        int depth = 1;
        while (pos_ < s_.size() && depth > 0) {
          if (s_[pos_] == '(') ++depth;
          if (s_[pos_] == ')') --depth;
          ++pos_;
        }
      }
      if (!eat(',')) return fail("expected ',' in SimpleAggregateFunction(f, T)");
      auto child = parse();
      if (!child.ok()) return child;
      if (!eat(')')) return fail("expected ')'");
      return child;
    } else if (name == "Decimal" || name == "Decimal32" || name == "Decimal64" ||
               name == "Decimal128" || name == "Decimal256") {
      int64_t p = 0, s = 0;
      if (name == "Decimal") {
        if (!integer(p)) return fail("expected Decimal(P, S)");
        if (eat(',')) {
          if (!integer(s)) return fail("expected Decimal(P, S)");
        }
      } else {
        if (!integer(s)) return fail("expected " + std::string(name) + "(S)");
        p = name == "Decimal32" ? 9 : name == "Decimal64" ? 18 : name == "Decimal128" ? 38 : 76;
      }
      if (p < 1 || p > 76 || s < 0 || s > p) return fail("Decimal precision or scale out of range");
      node.precision = static_cast<int>(p);
      node.scale = static_cast<int>(s);
      node.id = p <= 9 ? TypeId::Decimal32
                : p <= 18 ? TypeId::Decimal64
                : p <= 38 ? TypeId::Decimal128
                          : TypeId::Decimal256;
    } else if (name == "FixedString") {
      int64_t n = 0;
      if (!integer(n) || n < 1 || n > (1 << 24)) return fail("expected FixedString(N)");
      node.id = TypeId::FixedString;
      node.size = static_cast<size_t>(n);
    } else if (name == "DateTime64") {
      int64_t p = 0;
      if (!integer(p) || p < 0 || p > 9) return fail("expected DateTime64(P[, 'zone'])");
      node.id = TypeId::DateTime64;
      node.precision = static_cast<int>(p);
      if (eat(',') && !quoted(node.timezone)) return fail("expected a quoted time zone");
    } else if (name == "Enum8" || name == "Enum16") {
      node.id = name == "Enum8" ? TypeId::Enum8 : TypeId::Enum16;
      do {
        std::string label;
        int64_t value = 0;
        if (!quoted(label) || !eat('=') || !integer(value)) return fail("expected 'name' = value");
        int64_t lo = node.id == TypeId::Enum8 ? -128 : -32768;
        int64_t hi = node.id == TypeId::Enum8 ? 127 : 32767;
        if (value < lo || value > hi) return fail("Enum value out of range");
        node.enum_values.emplace_back(std::move(label), static_cast<int16_t>(value));
      } while (eat(','));
    } else {
      return fail("unknown type '" + std::string(name) + "'");
    }
    if (!eat(')')) return fail("expected ')'");
    return finish(std::move(node));
  }

  Status parse_tuple(TypeNode& node) {
    bool named = false;
    do {
      // A named element is "name Type"; an unnamed one is just "Type".
      size_t save = pos_;
      std::string elem_name;
      bool has_name = false;
      if (element_name(elem_name)) {
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != ')' && s_[pos_] != '(') {
          has_name = true;
        } else {
          pos_ = save;
        }
      } else {
        pos_ = save;
      }
      if (node.children.empty()) named = has_name;
      if (has_name != named) return fail("mixed named and unnamed Tuple elements");
      auto child = parse();
      if (!child.ok()) return child.error();
      node.children.push_back(std::move(child).value());
      if (named) node.names.push_back(std::move(elem_name));
    } while (eat(','));
    if (!eat(')')) return fail("expected ')'");
    return ok_status();
  }

  // After an opening '(': skips to just past its matching ')', over nested
  // parentheses and quoted text. False when the text ends first.
  bool skip_to_close() {
    int depth = 1;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\'' || c == '`') {
        const char q = c;
        for (++pos_; pos_ < s_.size() && s_[pos_] != q; ++pos_)
          if (s_[pos_] == '\\') ++pos_;
        if (pos_ >= s_.size()) return false;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        ++pos_;
        return true;
      }
      ++pos_;
    }
    return false;
  }

  static std::string_view trim(std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<TypeNode> parse_type(std::string_view text) { return Parser(text).parse_all(); }

bool contains_json(const TypeNode& type) {
  if (type.id == TypeId::Json) return !type.legacy_object;
  for (const auto& c : type.children)
    if (contains_json(c)) return true;
  return false;
}

}  // namespace k2c
