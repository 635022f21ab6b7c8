// The fast lane of BatchEncoder (kinesis/batch.h): one scan of a plain JSON
// payload, values written straight into the body.
#include <simdjson.h>

#include "kinesis/batch.h"
#include "kinesis/json_scan.h"
#include "kinesis/row_writer.h"
#include "rowbinary/framing.h"

namespace k2c {
namespace {

// One scalar at the cursor, through the Encoder call that Encoder::encode()
// makes for its JSON kind. False: not a scalar this lane reads (an escaped
// string, an array, an object, invalid JSON) or a rejected value; the caller
// rolls the body back.
[[gnu::always_inline]] inline bool scan_scalar(scan::Cursor& c, const Encoder& encoder,
                                               std::string& out) {
  switch (c.peek()) {
    case '"': {
      ++c.p;
      std::string_view s;
      return scan::plain_string(c, s) && encoder.from_string(s, out).ok();
    }
    case 't': return scan::literal(c, "true") && encoder.from_bool(true, out).ok();
    case 'f': return scan::literal(c, "false") && encoder.from_bool(false, out).ok();
    case 'n': return scan::literal(c, "null") && encoder.from_null(out).ok();
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
      std::string_view number;
      return scan::number(c, number) && encoder.from_number(number, out).ok();
    }
    default: return false;
  }
}

// An array of scalars at the cursor, as ArrayEncoder::from_array writes it:
// the element count, then the elements.
bool scan_array(scan::Cursor& c, const Encoder& element, std::string& out) {
  ++c.p;  // '['
  const rowbinary::ArrayCount count_at(out);
  uint64_t count = 0;
  if (!c.consume(']')) {
    for (;;) {
      c.skip_ws();
      if (!scan_scalar(c, element, out)) return false;
      ++count;
      if (c.consume(',')) continue;
      if (!c.consume(']')) return false;
      break;
    }
  }
  count_at.finish(out, count);
  return true;
}

}  // namespace

// The fast lane (see kinesis/json_scan.h): the payload is scanned once and
// values are written straight into the body, when it is an object whose
// column keys come in table order, each at most once, every value a string
// without escapes, a number, a literal or an array of those, and every value
// accepted. Anything else rolls the body back and returns false with no
// other effect, and encode_with_slots, the general lane, does the record
// again: it alone decides dead letters, so both lanes give the same bytes.
// Against the simdjson walk this lane replaced, it saves a second simdjson
// document per record: stage 1 and the iterator set-up cost more than the
// scan on payloads of a few hundred bytes.
bool BatchEncoder::encode_in_order(const KinesisRecord& record, const Payload& payload,
                                   const TablePlan& plan, std::string& body) {
  if (!fast_lane_) return false;
  const std::string_view bytes = payload.bytes;
  // The general lane's stage 1 checks UTF-8; the scanner relies on this pass.
  if (!simdjson::validate_utf8(bytes.data(), bytes.size())) return false;
  scan::Cursor c(bytes, payload.readable - bytes.size());
  if (!c.consume('{')) return false;
  const auto& columns = plan.columns();
  const size_t mark = body.size();
  size_t next = 0;  // columns before `next` are written
  size_t position = 0;
  seen_now_.clear();
  auto fill_to = [&](size_t end) {
    for (; next < end; ++next)
      if (include_[next] && !write_unprovided(columns[next], record, payload, with_defaults_, body, number_)) return false;
    return true;
  };
  auto give_up = [&] {
    body.resize(mark);
    return false;
  };
  if (!c.consume('}')) {
    for (;;) {
      std::string_view key;
      if (!scan::quoted(c, key) || !c.consume(':')) return give_up();
      c.skip_ws();
      // The column this key position had last time, checked in one vector
      // step (the key lies in the padded payload buffer), else the lookup.
      int ci;
      if (position < hints_.size() && hints_[position] >= 0 &&
          plan.is_payload_column(static_cast<size_t>(hints_[position]), key)) {
        ci = hints_[position];
      } else {
        ci = column_of(key, position, plan);
      }
      ++position;
      if (ci < 0) {
        if (!scan::skip_value(c)) return give_up();  // unknown keys are ignored
      } else if (static_cast<size_t>(ci) < next) {
        return give_up();  // repeated or out of order
      } else if (c.peek() == 'n') {
        // Missing, unless the key comes again: the column stays unwritten.
        if (!scan::literal(c, "null")) return give_up();
      } else {
        const size_t col = static_cast<size_t>(ci);
        seen_now_.push_back(static_cast<uint32_t>(col));
        if (!fill_to(col)) return give_up();
        next = col + 1;
        // A column left out of this pass is still checked, into scratch:
        // whether the record is a row must not depend on the column set.
        std::string& dest = include_[col] ? body : scratch_;
        if (!include_[col]) scratch_.clear();
        else rowbinary::value_follows(body, with_defaults_);
        const Encoder& encoder = *columns[col].encoder;
        if (c.peek() == '[') {
          const Encoder* element = encoder.array_element();
          if (element == nullptr || !scan_array(c, *element, dest)) return give_up();
        } else if (!scan_scalar(c, encoder, dest)) {
          return give_up();
        }
      }
      if (c.consume(',')) continue;
      if (c.consume('}')) break;
      return give_up();
    }
  }
  c.skip_ws();
  if (!c.at_end() || !fill_to(columns.size())) return give_up();
  for (uint32_t col : seen_now_) seen_[col] = 1;
  ++fast_lane_rows_;
  return true;
}

}  // namespace k2c
