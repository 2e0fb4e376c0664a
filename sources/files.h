// Blob sources for the file system and standard input.
//
// FileSource walks the paths a user named (sources/walker.h) and hands each regular file to the
// pipeline as an open descriptor, so a file of any size is streamed in chunks. StdinSource hands
// out standard input (or any descriptor) once, under a label of the user's choice.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/blob_source.h"
#include "sources/walker.h"

namespace reachscan::sources {

class FileSource final : public BlobSource {
 public:
  FileSource(std::vector<std::string> roots, WalkOptions options);
  std::optional<Item> next(std::vector<Skip>& skips) override;
  // Opens the file without following a FIFO swapped in after the walk (O_NONBLOCK) and refuses
  // anything that is not a regular file. Thread-safe.
  Loaded load(const Item& item, std::uint64_t max_size) const override;

 private:
  Walker walker_;
};

class StdinSource final : public BlobSource {
 public:
  // `fd` is read to its end; the caller keeps ownership (it is not closed).
  StdinSource(int fd, std::string label) : fd_(fd), label_(std::move(label)) {}
  std::optional<Item> next(std::vector<Skip>& skips) override;
  Loaded load(const Item& item, std::uint64_t max_size) const override;

 private:
  int fd_;
  std::string label_;
  bool given_ = false;
};

}  // namespace reachscan::sources
