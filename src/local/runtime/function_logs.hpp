#pragma once
// Each function's plain-text log, <root>/<function>.log: what its environments printed and the
// START/END/REPORT lines. Thread-safe; one open file per function, appended to.

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace lcd::local::runtime {

class FunctionLogs {
 public:
  // A log is renamed to <function>.log.1 (replacing the older one) when an append would take it
  // past max_file_bytes, so each function's logs stay under twice that; 0: unbounded.
  FunctionLogs(std::filesystem::path root, uint64_t max_file_bytes);
  FunctionLogs(const FunctionLogs&) = delete;
  FunctionLogs& operator=(const FunctionLogs&) = delete;
  ~FunctionLogs();

  const std::filesystem::path& root() const { return m_root; }
  // Best effort: a log that cannot be opened or written loses the text, never the invocation.
  void append(const std::string& function_name, std::string_view text);
  // Closes the function's file (a deleted function; a new one of that name appends again).
  void close(const std::string& function_name);

 private:
  struct File {
    int fd = -1;         // open O_APPEND
    uint64_t bytes = 0;  // its size
  };

  std::filesystem::path m_root;
  uint64_t m_max_file_bytes;
  std::mutex m_mutex;
  std::map<std::string, File> m_files;
};

}  // namespace lcd::local::runtime
