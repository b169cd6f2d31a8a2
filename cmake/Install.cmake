# `cmake --install`: the binary, its man page (generated from the binary's own help) and bash, zsh
# and fish completions; `cpack -G DEB` packs the same tree with Depends from dpkg-shlibdeps.
include(GNUInstallDirs)
install(TARGETS lambda-cd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(LCD_MAN_PAGE ${CMAKE_BINARY_DIR}/lambda-cd.1)
add_custom_command(OUTPUT ${LCD_MAN_PAGE}
  COMMAND bash ${PROJECT_SOURCE_DIR}/packaging/man-page.sh $<TARGET_FILE:lambda-cd> > ${LCD_MAN_PAGE}.tmp
  COMMAND ${CMAKE_COMMAND} -E rename ${LCD_MAN_PAGE}.tmp ${LCD_MAN_PAGE}
  DEPENDS lambda-cd ${PROJECT_SOURCE_DIR}/packaging/man-page.sh
  COMMENT "Generating lambda-cd.1" VERBATIM)
add_custom_target(lcd_man_page ALL DEPENDS ${LCD_MAN_PAGE})
install(FILES ${LCD_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(completions ${PROJECT_SOURCE_DIR}/packaging/completions)
install(FILES ${completions}/lambda-cd.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME lambda-cd)
install(FILES ${completions}/_lambda-cd DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${completions}/lambda-cd.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lambda-cd)
set(CPACK_PACKAGE_VENDOR "lambda-cd")
set(CPACK_PACKAGE_CONTACT "lambda-cd maintainers <maintainers@lambda-cd.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "continuous deployment for AWS Lambda through versions and aliases, with a local AWS endpoint")
set(CPACK_PACKAGE_DESCRIPTION
    "lambda-cd takes a Node.js function from commit to production through Lambda versions and aliases \
(unit tests, reproducible zip, integration tests, publish, promote, rollback) and serves Lambda, S3, \
CloudFormation and STS locally so the pipeline runs without an AWS account.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/lambda-cd/lambda-cd")
# Shared libraries come from dpkg-shlibdeps; Node.js runs functions on the local endpoint and npm
# installs project dependencies, so both are needed for the pipeline and the demo.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "nodejs (>= 18)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "npm, awscli, ca-certificates")
set(CPACK_STRIP_FILES ON)
include(CPack)
