// The baseline: the same pipeline written the straightforward way with
// nlohmann-json (parse the envelope into a DOM, base64-decode each record
// into a fresh string, parse the payload into a DOM, write RowBinary column
// by column). Covers the types of the orders sample only; its body must be
// byte-identical to BatchEncoder's, which the bench checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rowbinary/table_plan.h"

namespace k2c::bench {

// Returns the RowBinary body (RowBinary, not WithDefaults); throws on input
// the sample never contains.
std::string naive_encode(std::string_view event, const std::vector<ColumnInfo>& columns);

}  // namespace k2c::bench
