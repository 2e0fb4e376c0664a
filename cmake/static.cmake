# REACHSCAN_STATIC: a mostly static release binary. The libraries Debian 12 ships as static
# archives are linked from them: Hyperscan, RE2, libgit2 (with mbedTLS, http-parser, PCRE2),
# yaml-cpp, libarchive (with liblzma, libbz2, libxml2, nettle), OpenSSL, zlib, and the C++
# runtime (-static-libstdc++ -static-libgcc). What stays dynamic, for want of a static archive in
# Debian or by design: glibc (libc, libm, libpthread), oneTBB, fmt, libssh2, libzstd, liblz4,
# libacl and libicu (through libxml2). `ldd reachscan` lists them; the release workflow's .deb
# declares them as Depends.
if(NOT REACHSCAN_STATIC)
  return()
endif()
set(REACHSCAN_STATIC_ARCHIVES
  hs re2 git2 mbedtls mbedx509 mbedcrypto http_parser pcre2-8 yaml-cpp archive xml2 nettle lzma
  bz2 ssl crypto z)
# Shared libraries the archives above need and Debian has no archive of.
set(REACHSCAN_STATIC_SHARED_DEPS ssh2 zstd lz4 acl icuuc)
set(REACHSCAN_STATIC_FOUND)
foreach(lib IN LISTS REACHSCAN_STATIC_ARCHIVES)
  find_library(REACHSCAN_STATIC_${lib} NAMES lib${lib}.a)
  if(REACHSCAN_STATIC_${lib})
    list(APPEND REACHSCAN_STATIC_FOUND ${REACHSCAN_STATIC_${lib}})
  else()
    message(STATUS "REACHSCAN_STATIC: no lib${lib}.a, linked dynamically")
  endif()
endforeach()
# The archives come before the shared libraries the imported targets name, so the linker takes
# their symbols from the archives; --as-needed then drops the shared libraries left unused.
list(TRANSFORM REACHSCAN_STATIC_SHARED_DEPS PREPEND -l)
target_link_libraries(reachscan PRIVATE -Wl,--as-needed ${REACHSCAN_STATIC_FOUND}
                      ${REACHSCAN_STATIC_SHARED_DEPS} ${CMAKE_DL_LIBS})
target_link_options(reachscan PRIVATE -static-libstdc++ -static-libgcc)
