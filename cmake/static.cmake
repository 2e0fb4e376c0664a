# REACHSCAN_STATIC: a mostly static release binary. Included before the find_package calls: the
# libraries Debian 12 ships as static archives are then found as archives - Hyperscan, RE2,
# libgit2 (with mbedTLS, http-parser, PCRE2), yaml-cpp, libarchive (with libxml2, nettle, liblzma,
# libbz2), OpenSSL, zlib - and the C++ runtime is linked statically (-static-libstdc++
# -static-libgcc). What stays dynamic, for want of a static archive in Debian or by design:
# glibc (libc, libm), oneTBB (which loads libstdc++ itself), fmt, libssh2, libzstd, liblz4, libicu
# (through libxml2) and GSSAPI/Kerberos (through libgit2). Checked with `readelf -d reachscan`:
# NEEDED libfmt libtbb libssh2 libzstd liblz4 libicuuc libgssapi_krb5 libm libc. The .deb
# declares them as Depends.
if(NOT REACHSCAN_STATIC)
  return()
endif()
set(CMAKE_FIND_LIBRARY_SUFFIXES .a .so)
set(OPENSSL_USE_STATIC_LIBS ON)
# The archives' own dependencies, which pkg-config's non-static Libs do not name, go at the end of
# every link line: first those Debian has archives of, then the shared ones (Debian installs
# some without a development symlink: the runtime file itself is taken).
set(REACHSCAN_STATIC_TAIL)
foreach(lib mbedtls mbedx509 mbedcrypto http_parser pcre2-8 xml2 nettle lzma bz2)
  find_library(REACHSCAN_STATIC_${lib} NAMES lib${lib}.a)
  if(REACHSCAN_STATIC_${lib})
    list(APPEND REACHSCAN_STATIC_TAIL ${REACHSCAN_STATIC_${lib}})
  endif()
endforeach()
foreach(lib ssh2 zstd lz4 acl icuuc gssapi_krb5 ssl crypto z)
  file(GLOB found /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/lib${lib}.a
                  /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/lib${lib}.so
                  /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/lib${lib}.so.[0-9]*)
  list(SORT found)
  if(found)
    list(GET found 0 first)
    list(APPEND REACHSCAN_STATIC_TAIL ${first})
  endif()
endforeach()
list(JOIN REACHSCAN_STATIC_TAIL " " REACHSCAN_STATIC_TAIL)
set(CMAKE_CXX_STANDARD_LIBRARIES "${REACHSCAN_STATIC_TAIL} -ldl -pthread")
add_link_options(-static-libstdc++ -static-libgcc)

# yaml-cpp's CMake package names its shared library: point it at the archive.
macro(reachscan_static_yaml_cpp)
  find_library(REACHSCAN_STATIC_yaml_cpp NAMES libyaml-cpp.a)
  if(REACHSCAN_STATIC_yaml_cpp AND TARGET yaml-cpp)
    foreach(config NONE RELEASE DEBUG RELWITHDEBINFO)
      set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION_${config}
                                                ${REACHSCAN_STATIC_yaml_cpp})
    endforeach()
  endif()
endmacro()
