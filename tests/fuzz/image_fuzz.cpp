// Fuzz target: container image parsing (sources/image.h): manifest.json (docker save), index.json
// and OCI manifests, image configs and histories, and layers, as an attacker who ships the image
// writes them. The input is a set of files (fuzz::split_files); the first file's path decides
// how they are handed over: paths of the form `tar/...` go into a tarball (docker save, or an OCI
// layout packed with tar), every other set becomes an OCI layout folder. Both are written to a
// private temporary folder, which is emptied after each run.
#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "fuzz_detector.h"
#include "fuzz_support.h"
#include "sources/image.h"

namespace {

namespace fs = std::filesystem;

std::unique_ptr<reachscan::Detector> g_detector;
fs::path g_work;

// Only names that stay inside the folder: what is fuzzed is the reader, not the fuzzer's disk.
bool inside(const std::string& name) {
  const fs::path p = fs::path(name).lexically_normal();
  return !p.empty() && p.is_relative() && *p.begin() != "..";
}

void write_tar(const fs::path& file, const std::map<std::string, std::string>& files) {
  struct archive* w = archive_write_new();
  archive_write_set_format_pax_restricted(w);
  archive_write_open_filename(w, file.c_str());
  for (const auto& [name, data] : files) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.substr(4).c_str());  // without "tar/"
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(w, e);
    archive_write_data(w, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(w);
  archive_write_free(w);
}

void write_folder(const fs::path& root, const std::map<std::string, std::string>& files) {
  for (const auto& [name, data] : files) {
    if (!inside(name)) continue;
    const fs::path p = root / fs::path(name).lexically_normal();
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    std::ofstream(p, std::ios::binary) << data;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_detector = reachscan::fuzz::make_detector();
  std::string tmpl = (fs::temp_directory_path() / "reachscan-image-fuzz-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) std::abort();
  g_work = tmpl;
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(g_work, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reachscan;
  const auto files = fuzz::split_files(fuzz::as_text(data, size));
  if (files.empty()) return 0;
  const bool tar = files.begin()->first.rfind("tar/", 0) == 0;
  fs::path input = g_work / "image";
  if (tar) {
    std::map<std::string, std::string> members;
    for (const auto& [name, bytes] : files)
      if (name.rfind("tar/", 0) == 0 && name.size() > 4) members.emplace(name, bytes);
    input = g_work / "image.tar";
    write_tar(input, members);
  } else {
    write_folder(input, files);
  }
  ImageScanOptions o;
  o.archive.max_depth = 3;
  o.archive.max_size = 4u << 20;
  o.archive.ratio_floor = 256u << 10;
  o.archive.max_members = 256;
  o.archive.max_buffered = 1u << 20;
  o.archive.chunk_size = 64u << 10;
  FileOutcome out;
  (void)scan_image(input.string(), *g_detector, o, out);
  std::error_code ec;
  fs::remove_all(input, ec);
  return 0;
}
