// Test helper: builds archives in memory with libarchive's write API.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <string>
#include <utility>
#include <vector>

namespace reachscan::testing {

struct Member {
  std::string name;
  std::string data;
};

// `format`: "zip", "tar", "7z", "cpio", "ar"; `filter`: "", "gzip", "bzip2", "xz", "zstd", "lz4".
// `options` go to archive_write_set_options (e.g. "zip:encryption=zipcrypt").
inline std::string write_archive(const std::string& format, const std::string& filter,
                                 const std::vector<Member>& members,
                                 const std::string& options = "",
                                 const std::string& passphrase = "") {
  struct archive* w = archive_write_new();
  if (format == "zip") archive_write_set_format_zip(w);
  if (format == "tar") archive_write_set_format_pax_restricted(w);
  if (format == "7z") archive_write_set_format_7zip(w);
  if (format == "cpio") archive_write_set_format_cpio_newc(w);
  if (format == "ar") archive_write_set_format_ar_svr4(w);
  if (filter == "gzip") archive_write_add_filter_gzip(w);
  if (filter == "bzip2") archive_write_add_filter_bzip2(w);
  if (filter == "xz") archive_write_add_filter_xz(w);
  if (filter == "zstd") archive_write_add_filter_zstd(w);
  if (filter == "lz4") archive_write_add_filter_lz4(w);
  if (!passphrase.empty()) archive_write_set_passphrase(w, passphrase.c_str());
  if (!options.empty()) archive_write_set_options(w, options.c_str());
  archive_write_set_bytes_in_last_block(w, 1);
  std::string out;
  archive_write_open(
      w, &out, nullptr,
      [](struct archive*, void* client, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const Member& m : members) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(m.data.size()));
    archive_write_header(w, e);
    archive_write_data(w, m.data.data(), m.data.size());
    archive_entry_free(e);
  }
  archive_write_close(w);
  archive_write_free(w);
  return out;
}

// One file compressed with `filter`, no container ("raw" format).
inline std::string compress(const std::string& filter, const std::string& data) {
  struct archive* w = archive_write_new();
  archive_write_set_format_raw(w);
  if (filter == "gzip") archive_write_add_filter_gzip(w);
  if (filter == "bzip2") archive_write_add_filter_bzip2(w);
  if (filter == "xz") archive_write_add_filter_xz(w);
  if (filter == "zstd") archive_write_add_filter_zstd(w);
  if (filter == "lz4") archive_write_add_filter_lz4(w);
  archive_write_set_bytes_in_last_block(w, 1);
  std::string out;
  archive_write_open(
      w, &out, nullptr,
      [](struct archive*, void* client, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, "data");
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_write_header(w, e);
  archive_write_data(w, data.data(), data.size());
  archive_entry_free(e);
  archive_write_close(w);
  archive_write_free(w);
  return out;
}

}  // namespace reachscan::testing
