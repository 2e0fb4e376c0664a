// The shared vocabulary of reachscan: plain data passed between stages.
//
// A source yields blobs (bytes plus where they came from); the detector turns bytes into
// findings; reporters render findings and the scan summary. Nothing here owns a resource or
// depends on a third-party library, so every stage can include it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace reachscan {

enum class Confidence { kLow, kMedium, kHigh };
const char* to_string(Confidence c);
std::optional<Confidence> parse_confidence(const std::string& s);

// Why a file (or directory entry) was not scanned. Every entry the walker meets is either
// scanned or recorded with one of these.
enum class SkipReason {
  kBinary,          // NUL bytes near the start
  kTooLarge,        // over --max-file-size
  kUnreadable,      // open/read failed (permission, I/O error)
  kNotFound,        // a path named by the user does not exist
  kSymlinkLoop,     // symlink that resolves to itself (ELOOP)
  kBrokenSymlink,   // symlink whose target does not exist
  kSymlinkDir,      // symlink to a directory: not followed, to avoid double scans and cycles
  kSymlinkOutside,  // symlink to a file outside the scan root (followed with --follow-symlinks)
  kSpecialFile,     // FIFO, socket, character or block device
  kExcluded,        // .git metadata or an allow-listed path from the config
  kLfsPointer,      // a Git LFS pointer: the content lives outside the repository
  kSubmodule,       // a submodule entry: its history is another repository's
  kEncrypted,       // an encrypted archive member (or archive): there is no key to read it
  kArchiveLimit,    // an archive limit was hit: size, compression ratio, member count or nesting
  kCorrupt,         // a corrupt or truncated archive: reading stopped at the member named
};
const char* to_string(SkipReason r);
// True for reasons that mean content the user asked for could not be scanned: they make the scan
// end with the error exit code.
bool is_error(SkipReason r);

struct Skip {
  std::string path;
  SkipReason reason;
  std::string detail;
};

// Offline structural verification of a secret (verify/ stage).
enum class VerifyStatus {
  kNotChecked,        // no verifier ran (none exists for the rule, or the stage was off)
  kValidStructure,    // format, checksum or parse succeeded
  kInvalidStructure,  // checked and failed: reported, but downgraded
  kUnverifiable,      // the format carries nothing to check offline
};
const char* to_string(VerifyStatus s);

struct Verification {
  VerifyStatus status = VerifyStatus::kNotChecked;
  std::string verifier;                           // name of the check that ran
  std::vector<std::string> reasons;               // human-readable, for reports and tests
  std::map<std::string, std::string> attributes;  // e.g. aws_account_id, jwt_iss, key_type, host
};

// Where a finding reaches (reach/ stage).
enum class ReachVerdict { kUnknown, kNonProduction, kProduction };
const char* to_string(ReachVerdict v);
// How close to production: non_production 0, unknown 1, production 2 (for ordering and maxima).
int reach_rank(ReachVerdict v);
// A finding's verdict; unknown when it was not classified.

struct Evidence {
  std::string signal;  // e.g. key_prefix, path, host, namespace, branch, config
  std::string detail;  // what was seen and where
  double weight = 0;   // > 0 towards production, < 0 towards non-production
};

struct Reach {
  ReachVerdict verdict = ReachVerdict::kUnknown;
  double confidence = 0;  // 0..1
  std::vector<Evidence> evidence;
  std::vector<std::string> flags;       // reused_across_environments, live_secret_in_non_production
  std::vector<std::string> frameworks;  // e.g. OWASP-NHI2, OWASP-NHI7, NIST-CSF-PR.AA-01
  std::vector<std::string> related;     // other locations of the same secret (for reuse flags)
};

// Where a finding sits in a container image (sources/image.h); unset for any other input.
// NOTE: `instruction` never holds a RUN/ENV/ARG line's arguments (they may hold the secret, and
// reports print this field unmasked): those read `RUN (history entry N)`; COPY/ADD/WORKDIR and
// the like are quoted.
struct ImageContext {
  std::string image;         // the image's name: first tag, OCI ref.name, or the name given
  std::string part;          // "layer", "config" or "history"
  std::string layer_digest;  // full digest of the layer (for history: the layer the entry made)
  std::uint64_t layer = 0;   // 1-based place in the layer stack; 0: none
  std::uint64_t layers = 0;  // layers in the image
  std::uint64_t history_entry = 0;  // 1-based history entry that made the layer; 0: unknown
  std::string instruction;          // the Dockerfile instruction of that entry (see NOTE)
  std::string path;                 // the file's path in the layer; empty for config and history
  bool in_final_filesystem = true;  // false: a later layer deletes, hides or replaces the file
};

// Git provenance of a finding (git/ stage).
struct CommitInfo {
  std::string id;
  std::string blob;  // the object id of the file content holding the secret
  std::string author;
  std::string email;
  std::string date;               // ISO 8601
  std::string summary;            // first line of the message
  std::vector<std::string> refs;  // refs whose history contains the blob
  bool in_head = false;           // still present at HEAD of the default branch
  // Where the secret is at HEAD: every path whose blob there holds it. A blob is scanned once,
  // under the path it first appeared at; this lists where it (or another blob with the same
  // secret) sits now, copies and renames included.
  std::vector<std::string> head_paths;
  std::vector<std::string> touched;  // other paths changed by the introducing commit
};

// One piece of a multi-part credential (an AWS key id and its secret key, a Twilio account SID
// and its auth token). The identifier parts may be shown; a part with `secret` set is masked
// wherever the finding's secret is.
struct Part {
  std::string rule_id;
  std::uint64_t line = 0;
  std::uint64_t column = 0;
  std::string value;
  bool secret = false;
};

// One detected secret. Positions are 1-based; columns count bytes; end_column is inclusive.
struct Finding {
  std::string rule_id;
  std::string rule_name;
  std::string path;
  std::uint64_t line = 0;
  std::uint64_t column = 0;
  std::uint64_t end_line = 0;
  std::uint64_t end_column = 0;
  std::string secret;
  std::string match;  // the matched text, trimmed to the lines it spans
  std::string fingerprint;
  std::string repository;  // organisation scans: the repository the path is in; empty otherwise
  double entropy = 0;
  Confidence confidence = Confidence::kMedium;
  std::string variant;            // "live", "test" or empty: what the key form says
  std::vector<std::string> tags;  // copied from the rule
  std::uint64_t offset = 0;       // byte offset of the secret in its file or blob
  // Every part of a multi-part credential, in file order, this finding's own secret included;
  // empty for a single-part secret.
  std::vector<Part> parts;
  // How the secret was encoded in the file, outermost first ("base64", "url", "hex"); empty when
  // it was there in plain text. Positions of a decoded secret are those of the encoded run.
  std::vector<std::string> decoded;

  std::optional<CommitInfo> commit;   // set for findings from git history
  std::optional<ImageContext> image;  // set for findings in a container image
  // Commits (lower-case ids) a rule allowlist names for this finding: an occurrence in one of them
  // is suppressed. Set by the detector, which cannot know the commit; read by the policy.
  std::vector<std::string> allow_commits;
  Verification verification;
  std::optional<Reach> reach;
};

// One secret under one rule, with every place it was seen (occurrences share the fingerprint).
// `first` is the occurrence that decides the finding: the most severe by reach verdict, and among
// equals the first by path, line and column; its verdict is the finding's. `occurrences` holds all
// of them in place order, `first` included, up to the store's in-memory budget; `count` is the
// true number.
// A person's decision on a finding (organisation scans, kept in the datastore across re-scans).
struct Triage {
  std::string
      status;  // accepted (a real leak, being handled), rejected (not a leak), false_positive
  std::string comment;
  std::string updated_at;  // UTC, ISO 8601
};

struct SecretFinding {
  Finding first;
  std::vector<Finding> occurrences;
  std::uint64_t count = 0;
  bool reused_across_environments = false;  // production and non-production occurrences
  // Organisation scans: every repository the secret was seen in, sorted (more than one is reuse
  // across repositories), and its triage. Empty for a scan of one repository.
  std::vector<std::string> repositories;
  std::optional<Triage> triage;
  // Organisation scans: the occurrence whose commit is the oldest across every repository (the
  // secret's first appearance in the organisation). Unset elsewhere.
  std::optional<Finding> first_seen;
};

// Secrets by the path they were found at, each path's longest first (for masking every secret a
// match fragment shows; see redact_finding in scanner/fingerprint.h).
using PathSecrets = std::map<std::string, std::vector<std::string>>;

// Totals for one scan. Owned by the pipeline, rendered by reporters.
struct ScanSummary {
  std::uint64_t files_scanned = 0;
  std::uint64_t bytes_scanned = 0;
  std::vector<Skip> skipped;
  std::map<std::string, std::uint64_t> findings_by_rule;
  std::map<std::string, std::uint64_t> findings_by_reach;  // production, unknown, non_production
  // Organisation reports: per repository, findings seen there by their verdict there.
  std::map<std::string, std::map<std::string, std::uint64_t>> findings_by_repository;
  std::uint64_t findings = 0;
  std::uint64_t below_min_reach = 0;  // hidden by --min-reach
  std::uint64_t suppressed = 0;       // inline allow, ignore file, baseline
  std::vector<std::string> errors;    // rule-load errors and other non-file errors
  std::vector<std::string> notes;     // facts worth knowing that are not errors (shallow clone)
  std::uint64_t occurrences = 0;      // places the reported findings were seen (>= findings)
  std::uint64_t commits = 0;          // git scans: commits walked
  std::uint64_t already_scanned = 0;  // organisation scans: blobs skipped, scanned clean before
  double elapsed_seconds = 0;
  std::size_t rules = 0;
  unsigned threads = 1;
  bool complete = true;  // false: interrupted (SIGINT/SIGTERM/SIGHUP); the findings are partial

  std::map<std::string, std::uint64_t> skipped_by_reason() const;
  bool has_errors() const;
};

}  // namespace reachscan
