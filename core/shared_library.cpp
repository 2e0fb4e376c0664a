#include "core/shared_library.h"

#include <dlfcn.h>

namespace reachscan {

Expected<SharedLibrary> SharedLibrary::open(const std::string& soname, const std::string& package,
                                            const std::string& purpose) {
  // RTLD_LOCAL: the library's symbols are reached only through bind(), never by the binary's own
  // relocations, so they cannot clash with another copy linked into the binary.
  void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return Status::error(purpose + " need " + soname + ", which cannot be loaded (" +
                         (why ? why : "unknown reason") + "): install the package " + package);
  }
  return SharedLibrary(handle, soname);
}

void* SharedLibrary::symbol(const char* name) const { return dlsym(handle_, name); }

Status SharedLibrary::missing(const char* name) const {
  return Status::error(soname_ + " has no function " + name + " (too old a version?)");
}

}  // namespace reachscan
