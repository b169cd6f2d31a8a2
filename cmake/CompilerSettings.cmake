# Settings every first-party target links PRIVATE: warnings, sanitizers, include root.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_library(lcd_settings INTERFACE)
target_compile_options(lcd_settings INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(LCD_WERROR)
  target_compile_options(lcd_settings INTERFACE -Werror)
endif()
# LCD_SANITIZE=ON: ASan+UBSan; LCD_SANITIZE=thread: ThreadSanitizer (scripts/build.sh, build-asan / build-tsan).
if(LCD_SANITIZE STREQUAL "thread")
  target_compile_options(lcd_settings INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(lcd_settings INTERFACE -fsanitize=thread)
elseif(LCD_SANITIZE)
  target_compile_options(lcd_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(lcd_settings INTERFACE -fsanitize=address,undefined)
endif()
# GCC 12's flow analysis sees instrumented libstdc++ code (std::regex's NFA states) as maybe
# uninitialized: false positives that would stop a CI=true sanitizer build.
if(LCD_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(lcd_settings INTERFACE -Wno-maybe-uninitialized)
endif()
if(LCD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LCD_FUZZ needs clang (CC=clang CXX=clang++; scripts/fuzz.sh configures it)")
  endif()
  # Every first-party library is instrumented for coverage and checked by ASan+UBSan; only the
  # fuzz targets link libFuzzer's main (tests/fuzz/CMakeLists.txt).
  target_compile_options(lcd_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                         -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only)
  target_link_options(lcd_settings INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(lcd_settings INTERFACE ${PROJECT_SOURCE_DIR}/src)

# Adds a static library for a component folder: lcd_add_component(NAME SOURCES... DEPENDS ...)
function(lcd_add_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(lcd_${name} STATIC ${ARG_SOURCES})
  target_link_libraries(lcd_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE lcd_settings ${ARG_PRIVATE_DEPS})
  target_include_directories(lcd_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()
