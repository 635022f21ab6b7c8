// Nullable, Array, Map and Tuple: encoders that wrap children.
#include "base/bytes.h"
#include "rowbinary/encoder_families.h"
#include "rowbinary/numeric_text.h"

namespace k2c {
namespace {

// Nullable(T): one byte 1 for NULL; else 0 then T's value.
class NullableEncoder final : public Encoder {
 public:
  explicit NullableEncoder(const TypeNode& t) : Encoder(t), child_(make_encoder(t.children.at(0))) {}
  Status from_string(std::string_view s, std::string& out) const override {
    out.push_back('\0');
    return child_->from_string(s, out);
  }
  Status from_number(std::string_view n, std::string& out) const override {
    out.push_back('\0');
    return child_->from_number(n, out);
  }
  Status from_bool(bool b, std::string& out) const override {
    out.push_back('\0');
    return child_->from_bool(b, out);
  }
  Status from_array(simdjson::ondemand::array a, std::string& out) const override {
    out.push_back('\0');
    return child_->from_array(a, out);
  }
  Status from_object(simdjson::ondemand::object o, std::string& out) const override {
    out.push_back('\0');
    return child_->from_object(o, out);
  }
  Status from_null(std::string& out) const override {
    out.push_back('\1');
    return ok_status();
  }
  void write_default(std::string& out) const override { out.push_back('\1'); }
  bool is_nullable() const override { return true; }

 private:
  std::unique_ptr<Encoder> child_;
};

class ArrayEncoder final : public Encoder {
 public:
  explicit ArrayEncoder(const TypeNode& t) : Encoder(t), child_(make_encoder(t.children.at(0))) {}
  Status from_array(simdjson::ondemand::array a, std::string& out) const override {
    size_t count = 0;
    if (auto e = a.count_elements().get(count)) return invalid_json(e);
    put_varint(out, count);
    for (auto element : a) {
      simdjson::ondemand::value v;
      if (auto e = element.get(v)) return invalid_json(e);
      if (auto st = child_->encode(v, out); !st.ok()) return st;
    }
    return ok_status();
  }
  void write_default(std::string& out) const override { out.push_back('\0'); }
  const Encoder* array_element() const override { return child_.get(); }

 private:
  std::unique_ptr<Encoder> child_;
};

// Map(K, V): a JSON object; keys take K's rules from their text.
class MapEncoder final : public Encoder {
 public:
  explicit MapEncoder(const TypeNode& t)
      : Encoder(t), key_(make_encoder(t.children.at(0))), value_(make_encoder(t.children.at(1))) {}
  Status from_object(simdjson::ondemand::object o, std::string& out) const override {
    size_t count = 0;
    if (auto e = o.count_fields().get(count)) return invalid_json(e);
    put_varint(out, count);
    for (auto field : o) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return invalid_json(e);
      if (auto st = put_key(key, out); !st.ok()) return st;
      simdjson::ondemand::value v;
      if (auto e = field.value().get(v)) return invalid_json(e);
      if (auto st = value_->encode(v, out); !st.ok()) return st;
    }
    return ok_status();
  }
  void write_default(std::string& out) const override { out.push_back('\0'); }

 private:
  // A JSON key is always a string, so its text is first offered as a string.
  // Key types that take no string for a literal (Bool; DateTime and Enum by
  // number) then get the text as the JSON literal it spells: "true" -> true,
  // "1700000000" -> that number. The first rejection is the one reported.
  Status put_key(std::string_view key, std::string& out) const {
    const size_t mark = out.size();
    Status st = key_->from_string(key, out);
    if (st.ok()) return st;
    out.resize(mark);
    Status retry = st;
    NumberText n;
    if (key == "true" || key == "false") retry = key_->from_bool(key == "true", out);
    else if (parse_number_text(key, n)) retry = key_->from_number(key, out);
    if (retry.ok()) return retry;
    out.resize(mark);
    return st;
  }

  std::unique_ptr<Encoder> key_, value_;
};

// Tuple: a JSON array by position, or (named tuples) an object by element
// name; a missing element takes its type's zero value, unknown names are
// ignored as at the top level.
class TupleEncoder final : public Encoder {
 public:
  explicit TupleEncoder(const TypeNode& t) : Encoder(t), names_(t.names) {
    for (const auto& c : t.children) children_.push_back(make_encoder(c));
    slots_.resize(children_.size());
    filled_.resize(children_.size());
  }
  Status from_array(simdjson::ondemand::array a, std::string& out) const override {
    size_t count = 0;
    if (auto e = a.count_elements().get(count)) return invalid_json(e);
    if (count != children_.size())
      return reject(std::to_string(children_.size()) + " elements",
                    "an array of " + std::to_string(count));
    size_t i = 0;
    for (auto element : a) {
      simdjson::ondemand::value v;
      if (auto e = element.get(v)) return invalid_json(e);
      if (auto st = children_[i++]->encode(v, out); !st.ok()) return st;
    }
    return ok_status();
  }
  Status from_object(simdjson::ondemand::object o, std::string& out) const override {
    if (names_.empty()) return reject("an array (the Tuple has no element names)", "an object");
    for (size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].clear();
      filled_[i] = false;
    }
    for (auto field : o) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return invalid_json(e);
      simdjson::ondemand::value v;
      if (auto e = field.value().get(v)) return invalid_json(e);
      size_t i = 0;
      while (i < names_.size() && names_[i] != key) ++i;
      if (i == names_.size()) continue;  // unknown names are ignored
      slots_[i].clear();
      if (auto st = children_[i]->encode(v, slots_[i]); !st.ok()) return st;
      filled_[i] = true;
    }
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (filled_[i]) out.append(slots_[i]);
      else children_[i]->write_default(out);
    }
    return ok_status();
  }
  void write_default(std::string& out) const override {
    for (const auto& c : children_) c->write_default(out);
  }

 private:
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<Encoder>> children_;
  mutable std::vector<std::string> slots_;  // scratch, reused
  mutable std::vector<bool> filled_;
};

}  // namespace

std::unique_ptr<Encoder> make_nullable_encoder(const TypeNode& t) {
  return std::make_unique<NullableEncoder>(t);
}
std::unique_ptr<Encoder> make_array_encoder(const TypeNode& t) {
  return std::make_unique<ArrayEncoder>(t);
}
std::unique_ptr<Encoder> make_map_encoder(const TypeNode& t) { return std::make_unique<MapEncoder>(t); }
std::unique_ptr<Encoder> make_tuple_encoder(const TypeNode& t) {
  return std::make_unique<TupleEncoder>(t);
}

}  // namespace k2c
