#include "cli/image_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "scanner/config.h"
#include "scanner/detector.h"
#include "sources/image.h"

namespace reachscan::cli {
namespace {

namespace fs = std::filesystem;

// The first executable named `tool` on PATH, or empty.
std::string find_on_path(const std::string& tool) {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + tool;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

// A private temporary folder, removed with everything in it.
struct TempFolder {
  std::string path;
  TempFolder() {
    std::string tmpl = (fs::temp_directory_path() / "reachscan-image-XXXXXX").string();
    if (::mkdtemp(tmpl.data())) path = tmpl;  // mode 0700
  }
  ~TempFolder() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

// Runs `argv` with stdout and stderr to `log`; returns the exit status, or -1 if it did not run.
int run_tool(const std::vector<std::string>& argv, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string first_lines(const std::string& file, std::size_t max = 400) {
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  if (text.size() > max) text = text.substr(0, max) + "...";
  return text;
}

// An image reference as docker and podman read it: [registry/]name[:tag][@digest].
bool image_reference(const std::string& ref) {
  if (ref.empty() || ref.size() > 512 || ref.front() == '-') return false;
  return std::all_of(ref.begin(), ref.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '/' || c == ':' || c == '@';
  });
}

}  // namespace

void add_archive_flags(CLI::App& app, ArchiveFlags& flags) {
  app.add_option("--max-archive-depth", flags.max_depth,
                 "Open archives nested up to N deep (zip, jar, tar.gz, 7z, deb, rpm...); 0 does "
                 "not open archives (default 4)")
      ->check(CLI::Range(0, 64));
  app.add_option("--max-archive-size", flags.max_size,
                 "Stop reading an archive after SIZE uncompressed bytes, nested archives "
                 "included, e.g. 2GiB; 0: no limit (default 8GiB)");
  app.add_option("--max-archive-members", flags.max_members,
                 "Stop reading an archive after N members (default 250000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  app.add_flag("--no-binary-strings", flags.no_binary_strings,
               "Do not scan the printable strings of compiled binaries (ELF, Mach-O, PE, .class, "
               ".pyc)");
}

Status apply_archive_flags(const ArchiveFlags& flags, ArchiveOptions& options) {
  options.max_depth = flags.max_depth;
  options.binary_strings = !flags.no_binary_strings;
  options.max_members = flags.max_members;
  if (!flags.max_size.empty()) {
    auto size = parse_size(flags.max_size);
    if (!size) return Status::error("--max-archive-size: " + size.status().message());
    options.max_size = *size;
  }
  return Status();
}

CLI::App* add_image_subcommand(CLI::App& app, std::string& ref, std::string& deployment_repo) {
  auto* cmd = app.add_subcommand(
      "image",
      "Scan a container image: a `docker save` tarball, an OCI image layout (folder or tar), or "
      "NAME[:TAG] exported with docker or podman save. Every layer (files deleted by later "
      "layers included), the config (Env, Cmd, Entrypoint, Labels) and the history are scanned.");
  cmd->add_option("image", ref, "Image tarball, OCI layout folder, or image name")->required();
  cmd->add_option("--deployment-repo", deployment_repo,
                  "Read the deployment model of the repository checked out in DIR (Kubernetes, "
                  "kustomize, Helm values, compose, CI jobs): an image its production manifests "
                  "deploy or its production jobs push is production, with the chain as evidence")
      ->check(CLI::ExistingDirectory);
  return cmd;
}

Expected<std::unique_ptr<BlobSource>> open_image_source(const std::string& ref,
                                                        ImageScanOptions io) {
  std::error_code ec;
  std::string path = ref;
  auto temp = std::make_shared<TempFolder>();
  auto ends_with = [&](const char* suffix) {
    const std::string_view r(ref), s(suffix);
    return r.size() >= s.size() && r.substr(r.size() - s.size()) == s;
  };
  const bool path_like = ref.empty() || ref.front() == '/' || ref.front() == '.' ||
                         ends_with(".tar") || ends_with(".tar.gz") || ends_with(".tgz");
  if (!fs::exists(ref, ec) && path_like) return Status::error(ref + ": no such file or folder");
  if (!fs::exists(ref, ec)) {
    // Not a path: an image name for the local container engine. It goes on the engine's command
    // line, so only the characters of an image reference pass (`--output=FILE` would be a flag).
    if (!image_reference(ref))
      return Status::error(ref +
                           ": no such file or folder, and not an image name (letters, digits and "
                           "._-/:@ only, not starting with '-')");
    std::string tool;
    for (const char* candidate : {"docker", "podman"})
      if (tool = find_on_path(candidate); !tool.empty()) break;
    if (tool.empty())
      return Status::error(ref +
                           ": no such file or folder, and neither docker nor podman is installed "
                           "to export an image of that name");
    if (temp->path.empty()) return Status::error("cannot create a temporary folder");
    path = temp->path + "/image.tar";
    const std::string log = temp->path + "/save.log";
    const int rc = run_tool({tool, "save", "-o", path, ref}, log);
    if (rc != 0)
      return Status::error(fs::path(tool).filename().string() + " save " + ref + " failed" +
                           (rc < 0 ? "" : " (exit " + std::to_string(rc) + ")") + ": " +
                           first_lines(log));
    io.name = ref;
  }
  return std::unique_ptr<BlobSource>(
      std::make_unique<ImageSource>(path, ref, std::move(io), std::move(temp)));
}

}  // namespace reachscan::cli
