// JSON, Variant and Dynamic: the semi-structured types of ClickHouse 24+.
//
// Wire forms (ClickHouse docs, "RowBinary" > "Data types wire format" and
// "Data types binary encoding"), each checked byte for byte against the
// engine itself by tests/integration/modern:
//  - JSON(...): with input_format_binary_read_json_as_string=1 a JSON column
//    takes a String holding the object's JSON text; Object('json') reads the
//    same String without the setting.
//  - Variant(T1, ..., Tn): one discriminator byte, the alternative's index in
//    the type's list sorted by type name (the order the server prints), then
//    the value as that alternative; 255 = NULL.
//  - Dynamic: the value's type in the binary type encoding, then the value
//    as that type; 0x00 (Nothing) = NULL.
#include <algorithm>

#include "base/bytes.h"
#include "rowbinary/encoder_families.h"

namespace k2c {
namespace {

std::string_view trim_ws(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// A JSON object, sent as its JSON text exactly as written.
class JsonEncoder final : public Encoder {
 public:
  using Encoder::Encoder;
  Status from_object(simdjson::ondemand::object o, std::string& out) const override {
    std::string_view raw;
    if (auto e = o.raw_json().get(raw)) return invalid_json(e);
    put_string(out, trim_ws(raw));
    return ok_status();
  }
  Status from_string(std::string_view s, std::string&) const override {
    return reject("a JSON object", "\"" + std::string(s.substr(0, 80)) + "\"");
  }
  // The empty object: what the server stores for a JSON column's default.
  void write_default(std::string& out) const override { put_string(out, "{}"); }
};

TypeNode leaf(TypeId id, const char* text) {
  TypeNode t;
  t.id = id;
  t.text = text;
  return t;
}

bool is_integer(TypeId id) { return id >= TypeId::Int8 && id <= TypeId::UInt256; }
bool is_float(TypeId id) { return id == TypeId::Float32 || id == TypeId::Float64; }
bool is_decimal(TypeId id) { return id >= TypeId::Decimal32 && id <= TypeId::Decimal256; }

// The family an alternative belongs to, looking through LowCardinality.
TypeId family(const TypeNode& t) {
  return t.id == TypeId::LowCardinality ? t.children.at(0).id : t.id;
}

class VariantEncoder final : public Encoder {
 public:
  explicit VariantEncoder(const TypeNode& t) : Encoder(t) {
    std::vector<const TypeNode*> sorted;
    for (const auto& c : t.children) sorted.push_back(&c);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const TypeNode* a, const TypeNode* b) { return a->text < b->text; });
    for (const TypeNode* c : sorted) {
      families_.push_back(family(*c));
      alternatives_.push_back(make_encoder(*c));
    }
  }

  Status from_string(std::string_view s, std::string& out) const override {
    if (int i = first([](TypeId f) { return f == TypeId::String; }); i >= 0)
      return put(i, out, [&](const Encoder& e) { return e.from_string(s, out); });
    for (size_t i = 0; i < alternatives_.size(); ++i) {
      if (try_put(static_cast<int>(i), out,
                  [&](const Encoder& e) { return e.from_string(s, out); }))
        return ok_status();
    }
    return reject("a string one of the alternatives takes",
                  "\"" + std::string(s.substr(0, 80)) + "\"");
  }

  Status from_number(std::string_view n, std::string& out) const override {
    for (auto wanted :
         {is_integer, is_float, is_decimal, +[](TypeId f) { return f == TypeId::String; }}) {
      for (size_t i = 0; i < alternatives_.size(); ++i) {
        if (!wanted(families_[i])) continue;
        if (try_put(static_cast<int>(i), out,
                    [&](const Encoder& e) { return e.from_number(n, out); }))
          return ok_status();
      }
    }
    return reject("a number one of the alternatives holds", n);
  }

  Status from_bool(bool b, std::string& out) const override {
    if (int i = first([](TypeId f) { return f == TypeId::Bool; }); i >= 0)
      return put(i, out, [&](const Encoder& e) { return e.from_bool(b, out); });
    if (int i = first(is_integer); i >= 0)
      return put(i, out, [&](const Encoder& e) { return e.from_number(b ? "1" : "0", out); });
    return reject("a value one of the alternatives takes", b ? "true" : "false");
  }

  Status from_array(simdjson::ondemand::array a, std::string& out) const override {
    int i = first([](TypeId f) { return f == TypeId::Array; });
    if (i < 0) i = first([](TypeId f) { return f == TypeId::Tuple; });
    if (i < 0) return reject("a value one of the alternatives takes", "an array");
    return put(i, out, [&](const Encoder& e) { return e.from_array(a, out); });
  }

  Status from_object(simdjson::ondemand::object o, std::string& out) const override {
    int i = first([](TypeId f) { return f == TypeId::Map; });
    if (i < 0) i = first([](TypeId f) { return f == TypeId::Tuple; });
    if (i < 0) i = first([](TypeId f) { return f == TypeId::Json; });
    if (i < 0) return reject("a value one of the alternatives takes", "an object");
    return put(i, out, [&](const Encoder& e) { return e.from_object(o, out); });
  }

  Status from_null(std::string& out) const override {
    write_default(out);
    return ok_status();
  }
  void write_default(std::string& out) const override { out.push_back(static_cast<char>(kNull)); }

 private:
  static constexpr unsigned char kNull = 255;

  template <typename Pred>
  int first(Pred pred) const {
    for (size_t i = 0; i < families_.size(); ++i)
      if (pred(families_[i])) return static_cast<int>(i);
    return -1;
  }
  template <typename Write>
  Status put(int i, std::string& out, Write write) const {
    out.push_back(static_cast<char>(i));
    return write(*alternatives_[static_cast<size_t>(i)]);
  }
  // Like put(), but a rejection leaves `out` as it was.
  template <typename Write>
  bool try_put(int i, std::string& out, Write write) const {
    const size_t mark = out.size();
    if (put(i, out, write).ok()) return true;
    out.resize(mark);
    return false;
  }

  std::vector<TypeId> families_;  // per alternative, in discriminator order
  std::vector<std::unique_ptr<Encoder>> alternatives_;
};

// Binary type encoding (the "Data types binary encoding" page).
namespace type_code {
constexpr char kNothing = 0x00, kUInt64 = 0x04, kInt64 = 0x0a, kFloat64 = 0x0e, kString = 0x15,
               kArray = 0x1e, kMap = 0x27, kDynamic = 0x2b, kBool = 0x2d;
// Dynamic's parameter: max_types, as the server writes a nested Dynamic.
constexpr char kDefaultMaxTypes = 32;
}  // namespace type_code

// A JSON value as Dynamic: null -> NULL; a string -> String; true/false ->
// Bool; a number written without fraction or exponent -> Int64, or UInt64
// when only that holds it, else Float64; an array -> Array(Dynamic); an
// object -> Map(String, Dynamic). Nested values are Dynamic in turn.
class DynamicEncoder final : public Encoder {
 public:
  explicit DynamicEncoder(const TypeNode& t)
      : Encoder(t),
        int64_(make_encoder(leaf(TypeId::Int64, "Int64"))),
        uint64_(make_encoder(leaf(TypeId::UInt64, "UInt64"))),
        float64_(make_encoder(leaf(TypeId::Float64, "Float64"))) {}

  Status from_string(std::string_view s, std::string& out) const override {
    out.push_back(type_code::kString);
    put_string(out, s);
    return ok_status();
  }
  Status from_number(std::string_view n, std::string& out) const override {
    const size_t mark = out.size();
    if (n.find_first_of(".eE") == std::string_view::npos) {
      for (auto [code, encoder] : {std::pair{type_code::kInt64, int64_.get()},
                                   std::pair{type_code::kUInt64, uint64_.get()}}) {
        out.push_back(code);
        if (encoder->from_number(n, out).ok()) return ok_status();
        out.resize(mark);
      }
    }
    out.push_back(type_code::kFloat64);
    Status st = float64_->from_number(n, out);
    if (!st.ok()) out.resize(mark);
    return st;
  }
  Status from_bool(bool b, std::string& out) const override {
    out.push_back(type_code::kBool);
    out.push_back(b ? '\1' : '\0');
    return ok_status();
  }
  Status from_array(simdjson::ondemand::array a, std::string& out) const override {
    size_t count = 0;
    if (auto e = a.count_elements().get(count)) return invalid_json(e);
    out.append({type_code::kArray, type_code::kDynamic, type_code::kDefaultMaxTypes});
    put_varint(out, count);
    for (auto element : a) {
      simdjson::ondemand::value v;
      if (auto e = element.get(v)) return invalid_json(e);
      if (auto st = encode(v, out); !st.ok()) return st;
    }
    return ok_status();
  }
  Status from_object(simdjson::ondemand::object o, std::string& out) const override {
    size_t count = 0;
    if (auto e = o.count_fields().get(count)) return invalid_json(e);
    out.append(
        {type_code::kMap, type_code::kString, type_code::kDynamic, type_code::kDefaultMaxTypes});
    put_varint(out, count);
    for (auto field : o) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return invalid_json(e);
      put_string(out, key);
      simdjson::ondemand::value v;
      if (auto e = field.value().get(v)) return invalid_json(e);
      if (auto st = encode(v, out); !st.ok()) return st;
    }
    return ok_status();
  }
  Status from_null(std::string& out) const override {
    write_default(out);
    return ok_status();
  }
  void write_default(std::string& out) const override { out.push_back(type_code::kNothing); }

 private:
  std::unique_ptr<Encoder> int64_, uint64_, float64_;
};

}  // namespace

std::unique_ptr<Encoder> make_json_encoder(const TypeNode& t) {
  return std::make_unique<JsonEncoder>(t);
}
std::unique_ptr<Encoder> make_variant_encoder(const TypeNode& t) {
  return std::make_unique<VariantEncoder>(t);
}
std::unique_ptr<Encoder> make_dynamic_encoder(const TypeNode& t) {
  return std::make_unique<DynamicEncoder>(t);
}

}  // namespace k2c
