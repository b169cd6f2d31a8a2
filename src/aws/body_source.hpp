#pragma once
// A request body read in pieces, so large uploads (function zips) are streamed, never copied.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "util/result.hpp"

namespace lcd::aws {

class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual uint64_t size() const = 0;
  // Copies up to `capacity` bytes into `out`; returns 0 at the end. Errors end the transfer.
  virtual Result<size_t> read(char* out, size_t capacity) = 0;
  // Back to the first byte (retries resend the body).
  virtual Result<void> rewind() = 0;
};

// Streams a file from disk; the file must not change while a request is in flight.
class FileBodySource final : public BodySource {
 public:
  static Result<std::shared_ptr<FileBodySource>> open(const std::filesystem::path& path);
  ~FileBodySource() override;
  FileBodySource(const FileBodySource&) = delete;
  FileBodySource& operator=(const FileBodySource&) = delete;
  uint64_t size() const override { return m_size; }
  Result<size_t> read(char* out, size_t capacity) override;
  Result<void> rewind() override;

 private:
  FileBodySource(std::FILE* file, uint64_t size, std::string path) : m_file(file), m_size(size), m_path(std::move(path)) {}
  std::FILE* m_file;
  uint64_t m_size;
  std::string m_path;
};

// Reads from a caller-owned buffer without copying it; the buffer must outlive the request.
class BufferBodySource final : public BodySource {
 public:
  explicit BufferBodySource(std::string_view data) : m_data(data) {}
  uint64_t size() const override { return m_data.size(); }
  Result<size_t> read(char* out, size_t capacity) override;
  Result<void> rewind() override {
    m_offset = 0;
    return {};
  }

 private:
  std::string_view m_data;
  size_t m_offset = 0;
};

// Hex SHA-256 of the whole source, leaving it rewound.
Result<std::string> hash_body_source(BodySource& source);

}  // namespace lcd::aws
