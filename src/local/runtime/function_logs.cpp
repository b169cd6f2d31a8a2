#include "local/runtime/function_logs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <system_error>
#include <utility>

namespace lcd::local::runtime {
namespace {

// The bytes written (fewer than asked when the disk refuses).
size_t write_all(int fd, std::string_view text) {
  size_t written = 0;
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) break;
    text.remove_prefix(static_cast<size_t>(n));
    written += static_cast<size_t>(n);
  }
  return written;
}

}  // namespace

FunctionLogs::FunctionLogs(std::filesystem::path root, uint64_t max_file_bytes)
    : m_root(std::move(root)), m_max_file_bytes(max_file_bytes) {}

FunctionLogs::~FunctionLogs() {
  for (auto& [name, file] : m_files) {
    if (file.fd >= 0) ::close(file.fd);
  }
}

void FunctionLogs::append(const std::string& function_name, std::string_view text) {
  std::lock_guard lock(m_mutex);
  File& file = m_files[function_name];
  const std::filesystem::path path = m_root / (function_name + ".log");
  auto open_file = [&] {
    file.fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    struct stat st {};
    file.bytes = file.fd >= 0 && ::fstat(file.fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  };
  if (file.fd < 0) open_file();
  if (file.fd < 0) return;
  if (m_max_file_bytes > 0 && file.bytes > 0 && file.bytes + text.size() > m_max_file_bytes) {
    ::close(file.fd);
    std::error_code ec;
    std::filesystem::rename(path, std::filesystem::path(path.string() + ".1"), ec);
    open_file();
    if (file.fd < 0) return;
  }
  file.bytes += write_all(file.fd, text);
}

void FunctionLogs::close(const std::string& function_name) {
  std::lock_guard lock(m_mutex);
  if (auto it = m_files.find(function_name); it != m_files.end()) {
    if (it->second.fd >= 0) ::close(it->second.fd);
    m_files.erase(it);
  }
}

}  // namespace lcd::local::runtime
