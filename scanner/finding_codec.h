// A compact binary form of one occurrence (Finding), for the findings spill file
// (scanner/spill_file.h): every field, so a decoded occurrence equals the one encoded.
//
// The form (core/byte_codec.h) is private to one run (no version): it is written and
// read back by the same process. decode_finding returns false on bytes that do not hold exactly
// one encoded Finding.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/types.h"

namespace reachscan {

// Appends the encoded form of `f` to `out`.
void encode_finding(const Finding& f, std::string& out);
// Replaces `f` with the occurrence encoded in `bytes`; false when `bytes` is not one.
[[nodiscard]] bool decode_finding(std::string_view bytes, Finding& f);
// About how many bytes `f` takes in memory, heap included (for the store's memory budget).
std::size_t approx_bytes(const Finding& f);

}  // namespace reachscan
