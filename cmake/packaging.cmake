# Installation, shell completions, the man page and the Debian package (CPack).
#
#   cmake --build build && (cd build && cpack -G DEB)   ->  build/reachscan_<version>_<arch>.deb
#
# Completions (bash, zsh, fish) are generated from `reachscan --help` by
# packaging/gen_completions.py, and the man page by help2man, so both follow the flags.
include(GNUInstallDirs)
find_package(Python3 COMPONENTS Interpreter)
find_program(HELP2MAN help2man)

set(REACHSCAN_SHARE ${CMAKE_CURRENT_BINARY_DIR}/share)
set(REACHSCAN_COMPLETIONS
  ${REACHSCAN_SHARE}/reachscan.bash ${REACHSCAN_SHARE}/_reachscan ${REACHSCAN_SHARE}/reachscan.fish)
set(REACHSCAN_DOC_OUTPUTS)
if(Python3_Interpreter_FOUND)
  add_custom_command(OUTPUT ${REACHSCAN_COMPLETIONS}
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/packaging/gen_completions.py
            $<TARGET_FILE:reachscan> ${REACHSCAN_SHARE}
    DEPENDS reachscan ${CMAKE_CURRENT_SOURCE_DIR}/packaging/gen_completions.py
    COMMENT "Shell completions from reachscan --help")
  list(APPEND REACHSCAN_DOC_OUTPUTS ${REACHSCAN_COMPLETIONS})
  install(FILES ${REACHSCAN_SHARE}/reachscan.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME reachscan)
  install(FILES ${REACHSCAN_SHARE}/_reachscan
          DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
  install(FILES ${REACHSCAN_SHARE}/reachscan.fish
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
else()
  message(STATUS "python3 not found: no shell completions")
endif()
if(HELP2MAN)
  add_custom_command(OUTPUT ${REACHSCAN_SHARE}/reachscan.1
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section 1
            --name "find leaked credentials and tell which ones reach production"
            --output ${REACHSCAN_SHARE}/reachscan.1 $<TARGET_FILE:reachscan>
    DEPENDS reachscan
    COMMENT "Man page from reachscan --help")
  list(APPEND REACHSCAN_DOC_OUTPUTS ${REACHSCAN_SHARE}/reachscan.1)
  install(FILES ${REACHSCAN_SHARE}/reachscan.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man page")
endif()
add_custom_target(reachscan_docs ALL DEPENDS ${REACHSCAN_DOC_OUTPUTS})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME reachscan)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "find leaked credentials and tell which ones reach production")
set(CPACK_PACKAGE_DESCRIPTION
    "reachscan scans folders, git history, archives and container images for credentials, "
    "checks their structure offline and says whether each one reaches production.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "reachscan maintainers")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # reachscan_<version>_<arch>.deb
# Depends from the binary's shared libraries (dpkg-shlibdeps, from dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl (organisation scans) and libpq (PostgreSQL datastores) are opened on first use, not
# linked (core/shared_library.h), so dpkg-shlibdeps cannot see them: declared here.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4, libpq5")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS git)
set(CPACK_STRIP_FILES ON)
include(CPack)
