#include "git/repository.h"

#include <git2.h>

#include <cstring>
#include <filesystem>
#include <mutex>
#include <semaphore>
#include <utility>

#include "git/libgit2.h"

namespace reachscan::git {
using namespace detail;  // NOLINT: the plumbing of this stage

std::string ObjectId::hex() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(40);
  for (unsigned char b : bytes) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

std::optional<ObjectId> ObjectId::from_hex(const std::string& hex) {
  git_oid oid;
  if (hex.size() != 40 || git_oid_fromstr(&oid, hex.c_str()) != 0) return std::nullopt;
  return to_id(&oid);
}

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    // Pack windows are mmapped and count towards RSS when touched: keep them bounded.
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, static_cast<std::size_t>(32) << 20);
    // 256 MiB, not 128: blobs are read path by path (HistoryWalker::next_batch), which jumps
    // around the pack, and at 128 MiB unmapping and remapping windows cost a fifth of the wall
    // time of a 40k-commit history (TLB shootdowns between threads); peak RSS stays < 300 MB.
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, static_cast<std::size_t>(256) << 20);
    // No object cache: the walk reads each new tree once and parses it itself, and every other
    // read is of a blob or a handful of commits. libgit2's cache (one hash table of pointers
    // per handle, evicted in bucket order) cost more than it saved: on a 90k-commit history its
    // look-ups were half of the walk and of the commit descriptions (bench/git_walk).
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
  });
}

struct Repository::Impl {
  RepoPtr repo;
  OdbPtr odb;
  std::string git_dir;
};

Repository::Repository() : impl_(std::make_unique<Impl>()) {}
Repository::~Repository() = default;

namespace {

// One metadata file: absent, or a regular file (symlinks followed).
Status regular_or_absent(const std::filesystem::path& p) {
  std::error_code ec;
  const auto st = std::filesystem::status(p, ec);
  if (ec || st.type() == std::filesystem::file_type::not_found ||
      st.type() == std::filesystem::file_type::regular)
    return {};
  return Status::error(p.string() +
                       ": repository file is not a regular file (FIFO, socket, "
                       "device or folder)");
}

// libgit2 opens a repository's metadata with blocking reads: a FIFO as its config, packed-refs,
// alternates or a loose ref (from a hostile archive or copy, never from a clone) would hang the
// scan. So they must be regular files before libgit2 reads them. `git_dir` as discovered.
Status check_metadata(const std::string& git_dir) {
  namespace fs = std::filesystem;
  const fs::path dir(git_dir);
  for (const char* name : {"HEAD", "config", "packed-refs", "commondir", "shallow",
                           "objects/info/alternates", "info/grafts", "info/exclude"})
    if (Status s = regular_or_absent(dir / name); !s.ok()) return s;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir / "refs", ec), end; !ec && it != end;
       it.increment(ec))
    if (!it->is_directory(ec))
      if (Status s = regular_or_absent(it->path()); !s.ok()) return s;
  return {};
}

}  // namespace

Status check_repository_files(const std::string& path) {
  init_library();
  git_buf found = GIT_BUF_INIT;
  if (git_repository_discover(&found, path.c_str(), 0, nullptr) != 0) return {};
  const std::string git_dir(found.ptr, found.size);
  git_buf_dispose(&found);
  if (Status s = check_metadata(git_dir); !s.ok())
    return Status::error(path + " is not a git repository (or cannot be opened): " + s.message());
  return {};
}

Expected<std::unique_ptr<Repository>> Repository::open(const std::string& path) {
  if (Status s = check_repository_files(path); !s.ok()) return s;
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), 0, nullptr) != 0)
    return Status::error(last_error(path + " is not a git repository (or cannot be opened)"));
  std::unique_ptr<Repository> r(new Repository());
  r->impl_->repo.reset(raw);
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, raw) != 0) return Status::error(last_error(path));
  r->impl_->odb.reset(odb);
  r->impl_->git_dir = git_repository_path(raw);
  return r;
}

const std::string& Repository::git_dir() const { return impl_->git_dir; }
std::string Repository::workdir() const {
  const char* w = git_repository_workdir(impl_->repo.get());
  return w ? w : "";
}
bool Repository::is_shallow() const { return git_repository_is_shallow(impl_->repo.get()) == 1; }
bool Repository::is_empty() const { return git_repository_is_empty(impl_->repo.get()) == 1; }
bool Repository::head_unborn() const { return git_repository_head_unborn(impl_->repo.get()) == 1; }
void* Repository::raw() const { return impl_->repo.get(); }

namespace {

// NOTE: libgit2 1.5 cannot stream a packed object (its pack backend has no read stream;
// git_odb_open_rstream works for loose objects only), and history blobs are nearly all packed.
// So a blob is inflated whole; what we bound instead is how many large ones are held at once:
// one, across every thread and handle. Peak memory is then the read-ahead of small blobs plus
// the largest blob (and its pack window), not threads x the largest blobs.
constexpr std::size_t kLargeBlob = std::size_t{16} << 20;
std::counting_semaphore<1> g_large_blob_slot{1};

// An object's size and type from its header, without reading it.
Expected<std::pair<std::size_t, git_object_t>> read_header(git_odb* odb, const ObjectId& id) {
  const git_oid oid = to_oid(id);
  std::size_t len = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&len, &type, odb, &oid) != 0)
    return Status::error(last_error("cannot read object " + id.hex()));
  return std::pair{len, type};
}

}  // namespace

Expected<Repository::Blob> Repository::read_blob(const ObjectId& id) const {
  auto header = read_header(impl_->odb.get(), id);
  if (!header) return header.status();
  if (header->second != GIT_OBJECT_BLOB)
    return Status::error("object " + id.hex() + " is not a blob");
  const git_oid oid = to_oid(id);
  const bool large = header->first > kLargeBlob;
  if (large) g_large_blob_slot.acquire();  // released with the blob (any thread)
  git_odb_object* raw = nullptr;
  if (git_odb_read(&raw, impl_->odb.get(), &oid) != 0) {
    if (large) g_large_blob_slot.release();
    return Status::error(last_error("cannot read object " + id.hex()));
  }
  std::shared_ptr<git_odb_object> obj(raw, [large](git_odb_object* o) {
    git_odb_object_free(o);
    if (large) g_large_blob_slot.release();
  });
  if (git_odb_object_type(raw) != GIT_OBJECT_BLOB)
    return Status::error("object " + id.hex() + " is not a blob");
  Blob b;
  b.data = std::string_view(static_cast<const char*>(git_odb_object_data(raw)),
                            git_odb_object_size(raw));
  b.owner = std::move(obj);
  return b;
}

Expected<std::uint64_t> Repository::blob_size(const ObjectId& id) const {
  auto header = read_header(impl_->odb.get(), id);
  if (!header) return header.status();
  return static_cast<std::uint64_t>(header->first);
}

Expected<ObjectId> Repository::resolve_commit(const std::string& rev) const {
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, impl_->repo.get(), rev.c_str()) != 0)
    return Status::error(last_error("cannot resolve revision '" + rev + "'"));
  ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, raw, GIT_OBJECT_COMMIT) != 0)
    return Status::error(last_error("revision '" + rev + "' is not a commit"));
  ObjectPtr p(peeled);
  return to_id(git_object_id(peeled));
}

}  // namespace reachscan::git
