#include "sources/image.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

namespace reachscan {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::uint64_t kMaxDocument = 16u << 20;  // manifests and configs are small

std::string error_text(struct archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

std::string normalize(std::string name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  while (!name.empty() && name.back() == '/') name.pop_back();
  return name;
}

// Random access to the named files of an image, whatever holds them.
class ImageInput {
 public:
  virtual ~ImageInput() = default;
  // A small document (manifest, config, index), or nullopt when absent.
  virtual std::optional<std::string> document(const std::string& name) = 0;
  // Calls `scan` for each name in `wanted` that exists, with a reader of its bytes. Names not
  // found are returned.
  virtual std::set<std::string> stream(
      const std::set<std::string>& wanted,
      const std::function<void(const std::string&, const ReadFn&)>& scan) = 0;
};

class FolderInput : public ImageInput {
 public:
  explicit FolderInput(fs::path root) : root_(std::move(root)) {}

  std::optional<std::string> document(const std::string& name) override {
    const int fd = open_inside(name);
    if (fd < 0) return std::nullopt;
    std::string data;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0 || data.size() > kMaxDocument) break;
      data.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return data;
  }

  std::set<std::string> stream(
      const std::set<std::string>& wanted,
      const std::function<void(const std::string&, const ReadFn&)>& scan) override {
    std::set<std::string> missing;
    for (const std::string& name : wanted) {
      const int fd = open_inside(name);
      if (fd < 0) {
        missing.insert(name);
        continue;
      }
      scan(name, fd_reader(fd));
      ::close(fd);
    }
    return missing;
  }

 private:
  // The names come from the image's own manifests: a hostile image could name `/etc/shadow`,
  // `../../home/x/.aws/credentials`, a symlink out of the folder, or a FIFO. Only regular files
  // whose real path stays inside the folder are opened (without blocking); anything else counts
  // as absent. -1 then.
  int open_inside(const std::string& name) const {
    const fs::path rel = fs::path(name).lexically_normal();
    if (rel.empty() || !rel.is_relative() || *rel.begin() == "..") return -1;
    std::error_code ec;
    const fs::path real = fs::weakly_canonical(root_ / rel, ec);
    if (ec || !real_root_) return -1;
    const auto [end, _] =
        std::mismatch(real_root_->begin(), real_root_->end(), real.begin(), real.end());
    if (end != real_root_->end()) return -1;
    const int fd = ::open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return -1;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return -1;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
  }

  fs::path root_;
  std::optional<fs::path> real_root_ = canonical_or_none(root_);

  static std::optional<fs::path> canonical_or_none(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::canonical(p, ec);
    if (ec) return std::nullopt;
    return c;
  }
};

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

// A tar (docker save, or an OCI layout packed with tar), compressed or not. Documents are read in
// a first pass; layers are streamed in a second, in the order the tar holds them.
class TarInput : public ImageInput {
 public:
  static Expected<std::unique_ptr<TarInput>> open(const std::string& path) {
    auto in = std::unique_ptr<TarInput>(new TarInput(path));
    auto a = in->open_archive();
    if (!a) return a.status();
    struct archive_entry* e = nullptr;
    int r;
    while ((r = archive_read_next_header(a->get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
      if (archive_entry_filetype(e) != AE_IFREG) continue;
      const std::string name =
          normalize(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
      const la_int64_t size = archive_entry_size(e);
      if (size <= 0 || static_cast<std::uint64_t>(size) > kMaxDocument) continue;
      // JSON documents start with '{' or '['; layers never do.
      char first = 0;
      if (archive_read_data(a->get(), &first, 1) != 1 || (first != '{' && first != '[')) continue;
      std::string data(static_cast<std::size_t>(size), '\0');
      data[0] = first;
      std::size_t have = 1;
      while (have < data.size()) {
        const la_ssize_t n = archive_read_data(a->get(), data.data() + have, data.size() - have);
        if (n <= 0) break;
        have += static_cast<std::size_t>(n);
      }
      data.resize(have);
      in->documents_[name] = std::move(data);
    }
    if (r != ARCHIVE_EOF)
      return Status::error(path + ": not a readable tar: " + error_text(a->get()));
    return in;
  }

  std::optional<std::string> document(const std::string& name) override {
    auto it = documents_.find(name);
    if (it == documents_.end()) return std::nullopt;
    return it->second;
  }

  std::set<std::string> stream(
      const std::set<std::string>& wanted,
      const std::function<void(const std::string&, const ReadFn&)>& scan) override {
    std::set<std::string> missing = wanted;
    auto a = open_archive();
    if (!a) return missing;
    struct archive_entry* e = nullptr;
    int r;
    while ((r = archive_read_next_header(a->get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
      const std::string name =
          normalize(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
      if (!missing.count(name) || archive_entry_filetype(e) != AE_IFREG) continue;
      missing.erase(name);
      struct archive* handle = a->get();
      const ReadFn read = [handle](char* buf, std::size_t n, ReadFailure& f) -> long {
        const la_ssize_t got = archive_read_data(handle, buf, n);
        if (got < 0) {
          f = {SkipReason::kCorrupt, error_text(handle)};
          return -1;
        }
        return static_cast<long>(got);
      };
      scan(name, read);
    }
    return missing;
  }

 private:
  explicit TarInput(std::string path) : path_(std::move(path)) {}

  Expected<std::unique_ptr<struct archive, ArchiveDeleter>> open_archive() const {
    std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    if (archive_read_open_filename(a.get(), path_.c_str(), 1u << 20) != ARCHIVE_OK)
      return Status::error(path_ + ": " + error_text(a.get()));
    return a;
  }

  std::string path_;
  std::map<std::string, std::string> documents_;
};

std::optional<json> parse(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "sha256:abc" -> "blobs/sha256/abc"
std::string blob_file(const std::string& digest) {
  const auto colon = digest.find(':');
  if (colon == std::string::npos) return "blobs/sha256/" + digest;
  return "blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
}

struct Layer {
  std::string file;        // in the input
  std::string digest;      // sha256:...
  std::string created_by;  // the history entry that made it, if known (describe_instruction)
};

struct Image {
  std::string name;
  std::string config_file;
  std::vector<Layer> layers;
  json config;
};

std::string short_digest(const std::string& digest) {
  const auto colon = digest.find(':');
  const std::string alg = colon == std::string::npos ? "sha256" : digest.substr(0, colon);
  const std::string hex = colon == std::string::npos ? digest : digest.substr(colon + 1);
  return alg + ":" + hex.substr(0, 12);
}

std::string one_line(std::string s, std::size_t max = 240) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

bool empty_layer(const json& entry) {
  if (!entry.is_object()) return false;
  const auto it = entry.find("empty_layer");
  return it != entry.end() && it->is_boolean() && it->get<bool>();
}

// For each history entry, the index of the layer it made, or -1 for an empty layer.
std::vector<long> layers_made(const json& cfg) {
  std::vector<long> made;
  long next = 0;
  if (auto h = cfg.find("history"); h != cfg.end() && h->is_array())
    for (const json& e : *h) made.push_back(empty_layer(e) ? -1 : next++);
  return made;
}

// How a history entry is named in evidence. NOTE: created_by lines can hold secrets (a RUN with
// a token, an ARG value), and evidence is not masked: only COPY/ADD-style lines are quoted; for
// the rest, the instruction keyword and the history line to look at.
std::string describe_instruction(const std::string& created_by, std::size_t entry) {
  std::string line = created_by;
  bool shell = false;
  if (line.rfind("/bin/sh -c ", 0) == 0) {
    line.erase(0, 11);
    shell = true;
  }
  if (line.rfind("#(nop) ", 0) == 0) {
    line.erase(0, 7);
    shell = false;
  }
  while (!line.empty() && line.front() == ' ') line.erase(0, 1);
  std::string keyword = line.substr(0, line.find(' '));
  if (shell) keyword = "RUN";
  const std::string where = "history entry " + std::to_string(entry);
  if (keyword == "COPY" || keyword == "ADD" || keyword == "WORKDIR")
    return where + ": " + one_line(line, 120);
  if (keyword.empty() || keyword.size() > 12) keyword = "instruction";
  return where + ": " + keyword + " (see the image's history line " + std::to_string(entry) + ")";
}

// Fills in each layer's digest fallback and creating instruction from the config.
void attach_history(Image& img) {
  const json& cfg = img.config;
  std::vector<std::string> diff_ids;
  if (auto r = cfg.find("rootfs"); r != cfg.end() && r->is_object())
    if (auto d = r->find("diff_ids"); d != r->end() && d->is_array())
      for (const json& id : *d)
        if (id.is_string()) diff_ids.push_back(id.get<std::string>());
  std::vector<std::string> made;  // each history entry that made a layer, described
  std::size_t entry_no = 0;
  if (auto h = cfg.find("history"); h != cfg.end() && h->is_array())
    for (const json& entry : *h) {
      ++entry_no;
      if (entry.is_object() && !empty_layer(entry))
        made.push_back(describe_instruction(str(entry, "created_by"), entry_no));
    }
  for (std::size_t i = 0; i < img.layers.size(); ++i) {
    Layer& l = img.layers[i];
    if (l.digest.empty()) l.digest = i < diff_ids.size() ? diff_ids[i] : l.file;
    if (i < made.size()) l.created_by = made[i];
  }
}

Status read_oci_index(ImageInput& in, const json& index, const std::string& fallback, int depth,
                      std::vector<Image>& images) {
  if (depth > 4) return Status::error("image index nested too deeply");
  auto m = index.find("manifests");
  if (m == index.end() || !m->is_array()) return Status::error("index has no manifests");
  for (const json& d : *m) {
    if (!d.is_object()) continue;
    const std::string digest = str(d, "digest");
    auto doc = parse(in.document(blob_file(digest)));
    if (!doc || !doc->is_object())
      return Status::error("manifest " + digest + " is missing or not JSON");
    std::string name = fallback;
    if (auto a = d.find("annotations"); a != d.end() && a->is_object()) {
      if (std::string n = str(*a, "io.containerd.image.name"); !n.empty())
        name = n;
      else if (std::string r = str(*a, "org.opencontainers.image.ref.name"); !r.empty())
        name = r.find(':') == std::string::npos && r.find('/') == std::string::npos
                   ? fallback + ":" + r
                   : r;
    }
    if (doc->contains("manifests")) {  // an image index (multi-platform)
      if (Status s = read_oci_index(in, *doc, name, depth + 1, images); !s.ok()) return s;
      continue;
    }
    Image img;
    img.name = name;
    if (auto c = doc->find("config"); c != doc->end() && c->is_object())
      img.config_file = blob_file(str(*c, "digest"));
    if (auto ls = doc->find("layers"); ls != doc->end() && ls->is_array())
      for (const json& l : *ls)
        if (l.is_object())
          img.layers.push_back({blob_file(str(l, "digest")), str(l, "digest"), ""});
    images.push_back(std::move(img));
  }
  return Status();
}

Expected<std::vector<Image>> read_images(ImageInput& in, const std::string& fallback) {
  std::vector<Image> images;
  if (auto manifest = parse(in.document("manifest.json")); manifest && manifest->is_array()) {
    for (const json& m : *manifest) {
      if (!m.is_object()) continue;
      Image img;
      img.name = fallback;
      if (auto tags = m.find("RepoTags");
          tags != m.end() && tags->is_array() && !tags->empty() && tags->front().is_string())
        img.name = tags->front().get<std::string>();
      img.config_file = normalize(str(m, "Config"));
      if (auto ls = m.find("Layers"); ls != m.end() && ls->is_array())
        for (const json& l : *ls)
          if (l.is_string()) {
            Layer layer;
            layer.file = normalize(l.get<std::string>());
            if (layer.file.rfind("blobs/", 0) == 0) {
              const std::string rest = layer.file.substr(6);
              const auto slash = rest.find('/');
              if (slash != std::string::npos)
                layer.digest = rest.substr(0, slash) + ":" + rest.substr(slash + 1);
            }
            img.layers.push_back(std::move(layer));
          }
      images.push_back(std::move(img));
    }
  } else if (auto index = parse(in.document("index.json")); index && index->is_object()) {
    if (Status s = read_oci_index(in, *index, fallback, 0, images); !s.ok())
      return Status::error("index.json: " + s.message());
  } else {
    return Status::error(
        "not a container image: no manifest.json (docker save) or index.json (OCI layout)");
  }
  if (images.empty()) return Status::error("the image index lists no image");
  for (Image& img : images) {
    auto cfg = parse(in.document(img.config_file));
    if (!cfg || !cfg->is_object())
      return Status::error("image " + img.name + ": config " + img.config_file +
                           " is missing or not JSON");
    img.config = std::move(*cfg);
    attach_history(img);
  }
  return images;
}

// The config, one setting per line.
std::string render_config(const json& cfg) {
  std::string text;
  auto c = cfg.find("config");
  if (c == cfg.end() || !c->is_object()) return text;
  if (auto env = c->find("Env"); env != c->end() && env->is_array())
    for (const json& e : *env)
      if (e.is_string()) text += "ENV " + one_line(e.get<std::string>(), SIZE_MAX) + "\n";
  for (const char* key : {"Entrypoint", "Cmd"})
    if (auto v = c->find(key); v != c->end() && !v->is_null())
      text += std::string(key == std::string("Cmd") ? "CMD " : "ENTRYPOINT ") + v->dump() + "\n";
  if (auto labels = c->find("Labels"); labels != c->end() && labels->is_object())
    for (const auto& [k, v] : labels->items())
      text += "LABEL " + one_line(k, SIZE_MAX) + "=" +
              one_line(v.is_string() ? v.get<std::string>() : v.dump(), SIZE_MAX) + "\n";
  for (const char* key : {"User", "WorkingDir"})
    if (std::string v = str(*c, key); !v.empty())
      text += std::string(key == std::string("User") ? "USER " : "WORKDIR ") + one_line(v) + "\n";
  return text;
}

std::string render_history(const json& cfg) {
  std::string text;
  if (auto h = cfg.find("history"); h != cfg.end() && h->is_array())
    for (const json& entry : *h)
      text +=
          one_line(entry.is_object() ? str(entry, "created_by") : std::string(), SIZE_MAX) + "\n";
  return text;
}

// What one layer holds, by name, for whiteout resolution.
struct LayerIndex : MemberObserver {
  std::set<std::string> entries;     // every path
  std::vector<std::string> deleted;  // targets of `.wh.NAME`
  std::vector<std::string> opaque;   // folders with `.wh..wh..opq`
  void on_member(const std::string& raw, bool) override {
    const std::string name = safe_member_name(normalize(raw));
    const auto slash = name.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : name.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
    if (base == ".wh..wh..opq") {
      opaque.push_back(dir);
    } else if (base.rfind(".wh.", 0) == 0) {
      deleted.push_back(dir + base.substr(4));
    } else {
      entries.insert(name);
    }
  }
};

bool under(const std::string& path, const std::string& folder) {
  return folder.empty() || path.rfind(folder, 0) == 0;  // folder ends with '/'
}

// Why `path`, present in layer `i`, is not in the final filesystem; empty if it is.
std::string removed_later(const std::vector<const LayerIndex*>& stack,
                          const std::vector<Layer>& layers, std::size_t i,
                          const std::string& path) {
  for (std::size_t j = i + 1; j < stack.size(); ++j) {
    const LayerIndex* l = stack[j];
    if (!l) continue;
    std::string how;
    for (const std::string& d : l->deleted)
      if (path == d || path.rfind(d + "/", 0) == 0) how = "deleted by a whiteout";
    for (const std::string& o : l->opaque)
      if (how.empty() && under(path, o)) how = "hidden by an opaque folder";
    if (how.empty() && l->entries.count(path)) how = "replaced";
    if (how.empty()) continue;
    std::string why = how + " in layer " + std::to_string(j + 1) + " (" + layers[j].digest + ")";
    if (!layers[j].created_by.empty()) why += ", created by " + layers[j].created_by;
    return why;
  }
  return {};
}

void add_evidence(Finding& f, std::string detail) {
  if (!f.reach) f.reach = Reach{};
  f.reach->evidence.push_back({"image", std::move(detail), 0});
}

}  // namespace

Status scan_image(const std::string& path, const Detector& detector,
                  const ImageScanOptions& options, FileOutcome& out) {
  std::error_code ec;
  std::unique_ptr<ImageInput> input;
  if (fs::is_directory(path, ec)) {
    input = std::make_unique<FolderInput>(path);
  } else if (fs::exists(path, ec)) {
    auto tar = TarInput::open(path);
    if (!tar) return tar.status();
    input = std::move(*tar);
  } else {
    return Status::error(path + ": no such file or folder");
  }
  std::string fallback = options.name;
  if (fallback.empty()) fallback = fs::path(path).filename().string();
  if (fallback.empty()) fallback = fs::path(path).parent_path().filename().string();
  auto images = read_images(*input, fallback);
  if (!images) return Status::error(path + ": " + images.status().message());

  // Config and history, per image.
  std::set<std::string> configs_seen;
  for (const Image& img : *images) {
    if (!configs_seen.insert(img.config_file).second) continue;
    for (const auto& [what, text] :
         {std::pair<std::string, std::string>{"config", render_config(img.config)},
          {"history", render_history(img.config)}}) {
      FileOutcome o;
      const std::string display = img.name + "!" + what;
      scan_reader(memory_reader(text), display, text.size(), detector, options.archive.chunk_size,
                  o, false);
      for (Finding& f : o.findings) {
        add_evidence(f, "image " + img.name + ", " + what);
        if (what == "history") {
          // Line N is history entry N; name the layer it made, if any.
          const std::vector<long> made = layers_made(img.config);
          const long layer = f.line >= 1 && f.line <= made.size() ? made[f.line - 1] : -1;
          if (layer >= 0 && static_cast<std::size_t>(layer) < img.layers.size())
            add_evidence(f, "history entry " + std::to_string(f.line) + " made layer " +
                                std::to_string(layer + 1) + " (" +
                                img.layers[static_cast<std::size_t>(layer)].digest + ")");
          else
            add_evidence(f, "history entry " + std::to_string(f.line) +
                                " (metadata only: no layer); still readable by anyone with the "
                                "image");
        }
        out.findings.push_back(std::move(f));
      }
      out.bytes += o.bytes;
      ++out.members_scanned;
      for (std::string& e : o.errors) out.errors.push_back(std::move(e));
    }
  }

  // Layers, once per digest, in the order the input holds them.
  struct LayerUse {
    std::size_t image;
    std::size_t index;
  };
  std::map<std::string, std::vector<LayerUse>> uses;  // file -> where it sits
  for (std::size_t i = 0; i < images->size(); ++i)
    for (std::size_t k = 0; k < (*images)[i].layers.size(); ++k)
      uses[(*images)[i].layers[k].file].push_back({i, k});
  std::set<std::string> wanted;
  std::set<std::string> digests_seen;
  for (const auto& [file, where] : uses) {
    const Layer& l = (*images)[where.front().image].layers[where.front().index];
    if (digests_seen.insert(l.digest).second) wanted.insert(file);
  }
  std::map<std::string, LayerIndex> indexes;                   // file -> names
  std::map<std::string, std::vector<Finding>> layer_findings;  // file -> findings
  const std::set<std::string> missing =
      input->stream(wanted, [&](const std::string& file, const ReadFn& read) {
        const LayerUse first = uses[file].front();
        const Image& img = (*images)[first.image];
        const std::string display = img.name + "!" + short_digest(img.layers[first.index].digest);
        FileOutcome o;
        scan_archive(read, display, detector, options.archive, o, &indexes[file]);
        out.bytes += o.bytes;
        out.members_scanned += o.members_scanned;
        for (Skip& k : o.member_skips) out.member_skips.push_back(std::move(k));
        for (std::string& e : o.errors) out.errors.push_back(std::move(e));
        for (std::string& n : o.notes) out.notes.push_back(std::move(n));
        layer_findings[file] = std::move(o.findings);
      });
  for (const std::string& file : missing)
    out.member_skips.push_back(
        {file, SkipReason::kCorrupt, "layer listed in the manifest is missing"});

  for (auto& [file, findings] : layer_findings) {
    const std::vector<LayerUse>& where = uses[file];
    const Image& img = (*images)[where.front().image];
    const std::size_t k = where.front().index;
    const Layer& layer = img.layers[k];
    std::vector<const LayerIndex*> stack;
    for (const Layer& l : img.layers) {
      auto it = indexes.find(l.file);
      stack.push_back(it == indexes.end() ? nullptr : &it->second);
    }
    const std::string prefix = img.name + "!" + short_digest(layer.digest) + "!";
    for (Finding& f : findings) {
      add_evidence(f, "image " + img.name + ", layer " + std::to_string(k + 1) + " of " +
                          std::to_string(img.layers.size()) + " (" + layer.digest + ")");
      if (!layer.created_by.empty()) add_evidence(f, "layer created by " + layer.created_by);
      for (std::size_t u = 1; u < where.size(); ++u)
        add_evidence(f, "the same layer is in image " + (*images)[where[u].image].name);
      // The member's path in the layer: up to the next '!' (names escape their own '!').
      std::string member = f.path.substr(std::min(prefix.size(), f.path.size()));
      member = member.substr(0, member.find('!'));
      if (const std::string why = removed_later(stack, img.layers, k, member); !why.empty()) {
        add_evidence(f, "not in the final filesystem: " + why +
                            "; still in the image for anyone who pulls it");
        f.reach->flags.push_back("not_in_final_filesystem");
      }
      out.findings.push_back(std::move(f));
    }
  }
  return Status();
}

std::optional<Item> ImageSource::next(std::vector<Skip>&) {
  if (given_) return std::nullopt;
  given_ = true;
  Item item;
  item.path = display_;
  item.location = path_;
  return item;
}

void ImageSource::scan(const Item& item, const Detector& detector, const ArchiveOptions& archive,
                       FileOutcome& out) const {
  ImageScanOptions io = options_;
  io.archive = archive;
  // An image that cannot be read is an error naming it; what was scanned before stays.
  if (Status s = scan_image(item.location, detector, io, out); !s.ok())
    out.errors.push_back(item.location == item.path ? s.message() : item.path + ": " + s.message());
}

}  // namespace reachscan
