#include "aws/body_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "util/crypto.hpp"
#include "util/encoding.hpp"

namespace lcd::aws {

Result<std::shared_ptr<FileBodySource>> FileBodySource::open(const std::filesystem::path& path) {
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return fail(ErrorKind::io, "cannot read " + path.string() + ": " + ec.message());
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return fail(ErrorKind::io, "cannot open " + path.string() + ": " + std::strerror(errno));
  return std::shared_ptr<FileBodySource>(new FileBodySource(file, size, path.string()));
}

FileBodySource::~FileBodySource() { std::fclose(m_file); }

Result<size_t> FileBodySource::read(char* out, size_t capacity) {
  size_t n = std::fread(out, 1, capacity, m_file);
  if (n == 0 && std::ferror(m_file)) return fail(ErrorKind::io, "read error on " + m_path);
  return n;
}

Result<void> FileBodySource::rewind() {
  if (std::fseek(m_file, 0, SEEK_SET) != 0) return fail(ErrorKind::io, "cannot rewind " + m_path);
  std::clearerr(m_file);
  return {};
}

Result<size_t> BufferBodySource::read(char* out, size_t capacity) {
  size_t n = std::min(capacity, m_data.size() - m_offset);
  std::memcpy(out, m_data.data() + m_offset, n);
  m_offset += n;
  return n;
}

Result<std::string> hash_body_source(BodySource& source) {
  if (auto r = source.rewind(); !r) return fail(r.error());
  Sha256 hasher;
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    auto n = source.read(buffer.data(), buffer.size());
    if (!n) return fail(n.error());
    if (*n == 0) break;
    hasher.update(std::string_view(buffer.data(), *n));
  }
  if (auto r = source.rewind(); !r) return fail(r.error());
  return hex_encode(hasher.finish());
}

}  // namespace lcd::aws
