// UTF-16 text read as UTF-8. Windows tools write UTF-16 with a byte order mark (PowerShell 5's
// Out-File and `>`, regedit exports, some .NET and SQL Server config files): every other byte is
// a NUL, so without decoding such a file is skipped as binary and a key written in it is never
// seen. An input that starts with a UTF-16 byte order mark is decoded to UTF-8 as it is read and
// scanned as text (lines stay lines; columns count UTF-8 bytes of the decoded text).
#pragma once

#include <optional>
#include <string_view>

#include "scanner/chunked_scan.h"

namespace reachscan {

// true for a little-endian byte order mark (FF FE, but not the UTF-32 one FF FE 00 00), false
// for a big-endian one (FE FF); nullopt when `head` starts with neither.
std::optional<bool> utf16_byte_order(std::string_view head);

// Reads `raw` (UTF-16 in the given byte order; a leading byte order mark is dropped) and hands out
// UTF-8. Malformed input never stops the read: a lone surrogate or an odd last byte becomes
// U+FFFD. A read failure of `raw` is passed on.
ReadFn utf16_reader(ReadFn raw, bool little_endian);

}  // namespace reachscan
