#include "core/types.h"

namespace reachscan {

const char* to_string(Confidence c) {
  switch (c) {
    case Confidence::kLow:
      return "low";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kHigh:
      return "high";
  }
  return "medium";
}

std::optional<Confidence> parse_confidence(const std::string& s) {
  if (s == "low") return Confidence::kLow;
  if (s == "medium") return Confidence::kMedium;
  if (s == "high") return Confidence::kHigh;
  return std::nullopt;
}

const char* to_string(VerifyStatus s) {
  switch (s) {
    case VerifyStatus::kNotChecked:
      return "not_checked";
    case VerifyStatus::kValidStructure:
      return "valid_structure";
    case VerifyStatus::kInvalidStructure:
      return "invalid_structure";
    case VerifyStatus::kUnverifiable:
      return "unverifiable";
  }
  return "not_checked";
}

const char* to_string(ReachVerdict v) {
  switch (v) {
    case ReachVerdict::kUnknown:
      return "unknown";
    case ReachVerdict::kNonProduction:
      return "non_production";
    case ReachVerdict::kProduction:
      return "production";
  }
  return "unknown";
}

const char* to_string(SkipReason r) {
  switch (r) {
    case SkipReason::kBinary:
      return "binary";
    case SkipReason::kTooLarge:
      return "too_large";
    case SkipReason::kUnreadable:
      return "unreadable";
    case SkipReason::kNotFound:
      return "not_found";
    case SkipReason::kSymlinkLoop:
      return "symlink_loop";
    case SkipReason::kBrokenSymlink:
      return "broken_symlink";
    case SkipReason::kSymlinkDir:
      return "symlink_dir";
    case SkipReason::kSymlinkOutside:
      return "symlink_outside_root";
    case SkipReason::kSpecialFile:
      return "special_file";
    case SkipReason::kExcluded:
      return "excluded";
    case SkipReason::kLfsPointer:
      return "lfs_pointer";
    case SkipReason::kSubmodule:
      return "submodule";
    case SkipReason::kEncrypted:
      return "encrypted";
    case SkipReason::kArchiveLimit:
      return "archive_limit";
    case SkipReason::kCorrupt:
      return "corrupt";
  }
  return "unknown";
}

bool is_error(SkipReason r) {
  // NOTE: a corrupt archive is a reported skip, not an error: libarchive also stops on valid
  // variants it does not read (MSVC .lib import libraries are ar archives with a string table
  // it rejects), and a repository holding those must not fail every CI run. What was read
  // before the stop is scanned, and the skip names the member where reading stopped.
  return r == SkipReason::kUnreadable || r == SkipReason::kNotFound ||
         r == SkipReason::kSymlinkLoop;
}

std::map<std::string, std::uint64_t> ScanSummary::skipped_by_reason() const {
  std::map<std::string, std::uint64_t> out;
  for (const Skip& s : skipped) ++out[to_string(s.reason)];
  return out;
}

bool ScanSummary::has_errors() const {
  if (!errors.empty()) return true;
  for (const Skip& s : skipped)
    if (is_error(s.reason)) return true;
  return false;
}

int reach_rank(ReachVerdict v) {
  switch (v) {
    case ReachVerdict::kNonProduction:
      return 0;
    case ReachVerdict::kUnknown:
      return 1;
    case ReachVerdict::kProduction:
      return 2;
  }
  return 1;
}

}  // namespace reachscan
