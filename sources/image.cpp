#include "sources/image.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <vector>

#include "reach/classify.h"
#include "sources/image_input.h"

namespace reachscan {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

using image_detail::ImageInput;
using image_detail::normalize;

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
  std::string file;               // in the input
  std::string digest;             // sha256:...
  std::size_t history_entry = 0;  // 1-based history entry that made it; 0: unknown
  std::string instruction;        // that entry's instruction (instruction_of)
  std::string created_by;         // both, as evidence names them (describe_entry); empty: unknown
};

struct Image {
  std::string name;                // first tag, ref name, name given, or the input's file name
  std::vector<std::string> names;  // every name it goes by (not the file name fallback)
  std::string config_file;
  std::vector<Layer> layers;
  json config;
  std::vector<std::string> env;  // the config's Env, "KEY=value"
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

// The Dockerfile instruction of a history entry, fit to print. NOTE: created_by lines can hold
// secrets (a RUN with a token, an ARG value), and neither evidence nor the findings' image fields
// are masked: only COPY/ADD/WORKDIR lines are quoted; for the rest, the keyword alone.
std::string instruction_of(const std::string& created_by) {
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
  if (keyword == "COPY" || keyword == "ADD" || keyword == "WORKDIR") return one_line(line, 120);
  if (keyword.empty() || keyword.size() > 12) keyword = "instruction";
  return keyword;
}

// How a history entry and its instruction are named in evidence.
std::string describe_entry(const std::string& instruction, std::size_t entry) {
  const std::string where = "history entry " + std::to_string(entry) + ": " + instruction;
  if (instruction.find(' ') != std::string::npos) return where;
  return where + " (see the image's history line " + std::to_string(entry) + ")";
}

// Fills in each layer's digest fallback and creating instruction from the config.
void attach_history(Image& img) {
  const json& cfg = img.config;
  std::vector<std::string> diff_ids;
  if (auto r = cfg.find("rootfs"); r != cfg.end() && r->is_object())
    if (auto d = r->find("diff_ids"); d != r->end() && d->is_array())
      for (const json& id : *d)
        if (id.is_string()) diff_ids.push_back(id.get<std::string>());
  std::vector<std::pair<std::size_t, std::string>> made;  // entries that made a layer
  std::size_t entry_no = 0;
  if (auto h = cfg.find("history"); h != cfg.end() && h->is_array())
    for (const json& entry : *h) {
      ++entry_no;
      if (entry.is_object() && !empty_layer(entry))
        made.emplace_back(entry_no, instruction_of(str(entry, "created_by")));
    }
  for (std::size_t i = 0; i < img.layers.size(); ++i) {
    Layer& l = img.layers[i];
    if (l.digest.empty()) l.digest = i < diff_ids.size() ? diff_ids[i] : l.file;
    if (i >= made.size()) continue;
    l.history_entry = made[i].first;
    l.instruction = made[i].second;
    l.created_by = describe_entry(l.instruction, l.history_entry);
  }
}

// `named`: `fallback` is a name the image goes by (given), not only the input's file name.
Status read_oci_index(ImageInput& in, const json& index, const std::string& fallback, bool named,
                      int depth, std::vector<Image>& images) {
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
    bool has_name = named;
    if (auto a = d.find("annotations"); a != d.end() && a->is_object()) {
      if (std::string n = str(*a, "io.containerd.image.name"); !n.empty())
        name = n;
      else if (std::string r = str(*a, "org.opencontainers.image.ref.name"); !r.empty())
        name = r.find(':') == std::string::npos && r.find('/') == std::string::npos
                   ? fallback + ":" + r
                   : r;
      has_name = has_name || name != fallback;
    }
    if (doc->contains("manifests")) {  // an image index (multi-platform)
      if (Status s = read_oci_index(in, *doc, name, has_name, depth + 1, images); !s.ok()) return s;
      continue;
    }
    Image img;
    img.name = name;
    if (has_name) img.names.push_back(name);
    if (auto c = doc->find("config"); c != doc->end() && c->is_object())
      img.config_file = blob_file(str(*c, "digest"));
    if (auto ls = doc->find("layers"); ls != doc->end() && ls->is_array())
      for (const json& l : *ls)
        if (l.is_object())
          img.layers.push_back({blob_file(str(l, "digest")), str(l, "digest"), 0, "", ""});
    images.push_back(std::move(img));
  }
  return Status();
}

Expected<std::vector<Image>> read_images(ImageInput& in, const std::string& fallback, bool named) {
  std::vector<Image> images;
  if (auto manifest = parse(in.document("manifest.json")); manifest && manifest->is_array()) {
    for (const json& m : *manifest) {
      if (!m.is_object()) continue;
      Image img;
      if (auto tags = m.find("RepoTags"); tags != m.end() && tags->is_array())
        for (const json& t : *tags)
          if (t.is_string()) img.names.push_back(t.get<std::string>());
      if (img.names.empty() && named) img.names.push_back(fallback);
      img.name = img.names.empty() ? fallback : img.names.front();
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
    if (Status s = read_oci_index(in, *index, fallback, named, 0, images); !s.ok())
      return Status::error("index.json: " + s.message());
  } else {
    return Status::error(
        "not a container image: no manifest.json (docker save) or index.json (OCI layout)");
  }
  if (images.empty()) return Status::error("the image index lists no image");
  // Every name of one image (one config): tags and platforms listed apart.
  std::map<std::string, std::vector<std::string>> names;
  for (const Image& img : images)
    for (const std::string& n : img.names)
      if (auto& v = names[img.config_file]; std::find(v.begin(), v.end(), n) == v.end())
        v.push_back(n);
  for (Image& img : images) img.names = names[img.config_file];
  for (Image& img : images) {
    auto cfg = parse(in.document(img.config_file));
    if (!cfg || !cfg->is_object())
      return Status::error("image " + img.name + ": config " + img.config_file +
                           " is missing or not JSON");
    img.config = std::move(*cfg);
    attach_history(img);
    if (auto c = img.config.find("config"); c != img.config.end() && c->is_object())
      if (auto env = c->find("Env"); env != c->end() && env->is_array())
        for (const json& e : *env)
          if (e.is_string()) img.env.push_back(e.get<std::string>());
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

// Sets a finding's image fields, and decides its reach again with what the image says (its names,
// its Env, the deployment model's manifests that deploy it). Call before add_evidence.
void place_in_image(Finding& f, ImageContext ctx, const Image& img,
                    const ImageScanOptions& options) {
  if (options.reach && f.reach) {
    const reach::ImageFacts facts{img.names, img.env, ctx.path};
    f.reach =
        reach::add_image_context(*f.reach, f, facts, *options.reach, options.deployment.get());
  }
  f.image = std::move(ctx);
}

// The fields of a finding in the config or the history (line N is history entry N).
ImageContext metadata_context(const Image& img, const std::string& what, std::uint64_t line) {
  ImageContext c;
  c.image = img.name;
  c.part = what;
  c.layers = img.layers.size();
  if (what != "history") return c;
  c.history_entry = line;
  if (auto h = img.config.find("history");
      h != img.config.end() && h->is_array() && line >= 1 && line <= h->size())
    c.instruction = instruction_of(str((*h)[line - 1], "created_by"));
  const std::vector<long> made = layers_made(img.config);
  const long layer = line >= 1 && line <= made.size() ? made[line - 1] : -1;
  if (layer >= 0 && static_cast<std::size_t>(layer) < img.layers.size()) {
    c.layer = static_cast<std::uint64_t>(layer) + 1;
    c.layer_digest = img.layers[static_cast<std::size_t>(layer)].digest;
  }
  return c;
}

}  // namespace

Status scan_image(const std::string& path, const Detector& detector,
                  const ImageScanOptions& options, FileOutcome& out) {
  auto opened = image_detail::open_image_input(path);
  if (!opened) return opened.status();
  std::unique_ptr<ImageInput> input = std::move(*opened);
  std::string fallback = options.name;
  if (fallback.empty()) fallback = fs::path(path).filename().string();
  if (fallback.empty()) fallback = fs::path(path).parent_path().filename().string();
  auto images = read_images(*input, fallback, !options.name.empty());
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
        place_in_image(f, metadata_context(img, what, f.line), img, options);
        add_evidence(f, "image " + img.name + ", " + what);
        if (what == "history") {
          // Line N is history entry N; name the layer it made, if any.
          if (f.image->layer)
            add_evidence(f, "history entry " + std::to_string(f.line) + " made layer " +
                                std::to_string(f.image->layer) + " (" + f.image->layer_digest +
                                ")");
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
  // A layer the manifest lists but the input lacks (or holds as a link, folder or device) is part
  // of the image that was not scanned: an error, so a broken image is never reported clean.
  for (const std::string& file : missing)
    out.errors.push_back(file + ": layer listed in the manifest is missing or not a regular file");

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
      // The member's path in the layer: up to the next '!' (names escape their own '!').
      std::string member = f.path.substr(std::min(prefix.size(), f.path.size()));
      member = member.substr(0, member.find('!'));
      const std::string why = removed_later(stack, img.layers, k, member);
      place_in_image(f,
                     ImageContext{img.name, "layer", layer.digest, k + 1, img.layers.size(),
                                  layer.history_entry, layer.instruction, member, why.empty()},
                     img, options);
      add_evidence(f, "image " + img.name + ", layer " + std::to_string(k + 1) + " of " +
                          std::to_string(img.layers.size()) + " (" + layer.digest + ")");
      if (!layer.created_by.empty()) add_evidence(f, "layer created by " + layer.created_by);
      for (std::size_t u = 1; u < where.size(); ++u)
        add_evidence(f, "the same layer is in image " + (*images)[where[u].image].name);
      if (!why.empty()) {
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
