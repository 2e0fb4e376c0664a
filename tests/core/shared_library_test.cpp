// core/shared_library.h: libraries opened on first use, and the errors when they cannot be.
#include "core/shared_library.h"

#include <gtest/gtest.h>

#include <cstring>

namespace reachscan {
namespace {

TEST(SharedLibrary, OpensBySonameAndBindsTypedFunctions) {
  auto libc = SharedLibrary::open("libc.so.6", "libc6", "tests");
  ASSERT_TRUE(libc) << libc.status().message();
  decltype(std::strlen)* length = nullptr;
  ASSERT_TRUE(libc->bind(length, "strlen").ok());
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length("reachscan"), 9u);
}

TEST(SharedLibrary, MissingLibraryNamesItsPackageAndWhatNeedsIt) {
  auto lib =
      SharedLibrary::open("libreachscan-absent.so.7", "libreachscan-absent7", "organisation scans");
  ASSERT_FALSE(lib);
  const std::string m = lib.status().message();
  EXPECT_NE(m.find("organisation scans need libreachscan-absent.so.7"), std::string::npos) << m;
  EXPECT_NE(m.find("install the package libreachscan-absent7"), std::string::npos) << m;
}

TEST(SharedLibrary, MissingFunctionIsAnErrorNamingIt) {
  auto libc = SharedLibrary::open("libc.so.6", "libc6", "tests");
  ASSERT_TRUE(libc);
  decltype(std::strlen)* fn = nullptr;
  const Status s = libc->bind(fn, "reachscan_no_such_function");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("libc.so.6 has no function reachscan_no_such_function"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(fn, nullptr);
}

}  // namespace
}  // namespace reachscan
