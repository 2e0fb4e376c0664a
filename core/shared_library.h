// SharedLibrary: a C library opened on first use (dlopen by SONAME) instead of at start-up.
//
// Start-up time of every run is dominated by the dynamic loader: each library in the binary's
// NEEDED list is mapped and relocated, with its own dependencies, before main. libcurl (forge
// listings) and libpq (the PostgreSQL datastore) bring some twenty libraries (LDAP, Kerberos,
// GnuTLS, nghttp2, ...) that only organisation scans use, so those stages open them here when
// they first need them. The build still compiles against the libraries' headers: call sites keep
// the real C types through a table of `decltype(&function)` pointers filled by bind().
//
// A handle is never closed (the libraries keep global state, and the process is short-lived).
#pragma once

#include <string>

#include "core/status.h"

namespace reachscan {

class SharedLibrary {
 public:
  // Opens `soname` ("libcurl.so.4"). When it cannot be loaded, the message says what needs it
  // (`purpose`, "organisation scans"), the loader's reason and the Debian `package` to install.
  // Thread-safe (dlopen is); opening a library twice returns the same handle.
  static Expected<SharedLibrary> open(const std::string& soname, const std::string& package,
                                      const std::string& purpose);

  // Points `fn` at the library's function `name`; an error names the symbol and the library (an
  // older library without it). `Fn` is the function's type, e.g. decltype(curl_easy_init).
  template <typename Fn>
  [[nodiscard]] Status bind(Fn*& fn, const char* name) const {
    void* address = symbol(name);
    if (!address) return missing(name);
    fn = reinterpret_cast<Fn*>(address);
    return {};
  }

  const std::string& soname() const { return soname_; }

 private:
  SharedLibrary(void* handle, std::string soname) : handle_(handle), soname_(std::move(soname)) {}
  void* symbol(const char* name) const;
  Status missing(const char* name) const;

  void* handle_;
  std::string soname_;
};

}  // namespace reachscan
