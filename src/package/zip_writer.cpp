#include "package/zip_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "package/zip_format.hpp"
#include "util/crypto.hpp"

namespace lcd::package {
namespace {

// Files up to this size are read and compressed whole by the workers; bigger ones are streamed
// by the writer in chunks.
constexpr uint64_t k_whole_file_limit = 8ull << 20;
constexpr size_t k_chunk = 1 << 20;
// How far the workers may run ahead of the writer, bounding memory held in compressed entries.
constexpr size_t k_window = 512;

std::string io_error(const std::string& what, const std::filesystem::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

struct Deflater {
  z_stream stream{};
  bool ready = false;
  Deflater() {
    ready = deflateInit2(&stream, k_deflate_level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ready) deflateEnd(&stream);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
};

uint32_t crc_of(uint32_t crc, std::string_view data) {
  while (!data.empty()) {
    const uInt n = static_cast<uInt>(std::min<size_t>(data.size(), 1u << 30));
    crc = static_cast<uint32_t>(crc32(crc, reinterpret_cast<const Bytef*>(data.data()), n));
    data.remove_prefix(n);
  }
  return crc;
}

Result<std::string> read_whole(const std::filesystem::path& path, uint64_t expected) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::io, io_error("cannot open", path));
  std::string data(expected, '\0');
  size_t got = 0;
  for (;;) {
    if (got == data.size()) data.resize(data.size() + 1);  // probes for growth
    ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string message = io_error("cannot read", path);
      ::close(fd);
      return fail(ErrorKind::io, message);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got != expected) return fail(ErrorKind::io, "file changed while packaging: " + path.string());
  data.resize(got);
  return data;
}

// The prepared body of one entry: what goes between its local header and the next one.
struct Body {
  uint32_t crc = 0;
  uint64_t uncompressed = 0;
  uint64_t compressed = 0;
  uint16_t method = k_method_stored;
  std::string payload;   // compressed or stored bytes; empty for streamed entries
  bool streamed = false; // a big file the writer compresses itself
};

Result<Body> compress_memory(Deflater& deflater, std::string raw) {
  Body body;
  body.uncompressed = raw.size();
  body.crc = crc_of(0, raw);
  if (raw.empty()) return body;
  if (!deflater.ready || deflateReset(&deflater.stream) != Z_OK) return fail(ErrorKind::internal, "zlib deflate init failed");
  std::string out(deflateBound(&deflater.stream, static_cast<uLong>(raw.size())), '\0');
  auto& z = deflater.stream;
  z.next_in = reinterpret_cast<Bytef*>(raw.data());
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) return fail(ErrorKind::internal, "zlib deflate failed");
  out.resize(z.total_out);
  // Deflate never wins on incompressible data: store it instead (a pure function of the content).
  if (out.size() < raw.size()) {
    body.method = k_method_deflate;
    body.payload = std::move(out);
  } else {
    body.payload = std::move(raw);
  }
  body.compressed = body.payload.size();
  return body;
}

Result<Body> prepare(Deflater& deflater, const ZipWriter::Entry& entry) {
  switch (entry.kind) {
    case ZipWriter::Kind::directory:
      return Body{};
    case ZipWriter::Kind::symlink: {
      Body body;
      body.uncompressed = body.compressed = entry.data.size();
      body.crc = crc_of(0, entry.data);
      body.payload = entry.data;
      return body;
    }
    case ZipWriter::Kind::bytes:
      return compress_memory(deflater, entry.data);
    case ZipWriter::Kind::file: {
      struct stat st {};
      if (::stat(entry.source.c_str(), &st) != 0) return fail(ErrorKind::io, io_error("cannot stat", entry.source));
      if (!S_ISREG(st.st_mode)) return fail(ErrorKind::io, "not a regular file: " + entry.source.string());
      const auto size = static_cast<uint64_t>(st.st_size);
      if (size > k_whole_file_limit) {
        Body body;
        body.streamed = true;
        body.uncompressed = size;
        return body;
      }
      auto raw = read_whole(entry.source, size);
      if (!raw) return fail(raw.error());
      return compress_memory(deflater, std::move(*raw));
    }
  }
  return fail(ErrorKind::internal, "unknown zip entry kind");
}

// Buffered sequential output with the ability to patch earlier bytes.
class Output {
 public:
  ~Output() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Result<void> open(const std::filesystem::path& path) {
    m_path = path;
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (m_fd < 0) return fail(ErrorKind::io, io_error("cannot create", path));
    m_buffer.reserve(k_chunk * 2);
    return {};
  }
  uint64_t offset() const { return m_offset; }
  bool hashed_in_order() const { return m_in_order; }
  Result<void> put(std::string_view data) {
    m_offset += data.size();
    if (m_buffer.size() + data.size() > k_chunk * 2) {
      if (auto ok = flush(); !ok) return ok;
      if (data.size() >= k_chunk) return write_out(data);
    }
    m_buffer.append(data);
    return {};
  }
  Result<void> flush() {
    auto ok = write_out(m_buffer);
    m_buffer.clear();
    return ok;
  }
  Result<void> patch(uint64_t at, std::string_view data) {
    if (auto ok = flush(); !ok) return ok;
    m_in_order = false;
    if (::pwrite(m_fd, data.data(), data.size(), static_cast<off_t>(at)) != static_cast<ssize_t>(data.size()))
      return fail(ErrorKind::io, io_error("cannot write", m_path));
    return {};
  }
  Result<void> rewind_to(uint64_t at) {
    if (auto ok = flush(); !ok) return ok;
    m_in_order = false;
    if (::ftruncate(m_fd, static_cast<off_t>(at)) != 0 || ::lseek(m_fd, static_cast<off_t>(at), SEEK_SET) < 0)
      return fail(ErrorKind::io, io_error("cannot rewind", m_path));
    m_offset = at;
    return {};
  }
  Result<void> close() {
    if (auto ok = flush(); !ok) return ok;
    int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) return fail(ErrorKind::io, io_error("cannot close", m_path));
    return {};
  }
  Sha256& hash() { return m_hash; }

 private:
  Result<void> write_out(std::string_view data) {
    if (m_in_order) m_hash.update(data);
    while (!data.empty()) {
      ssize_t n = ::write(m_fd, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail(ErrorKind::io, io_error("cannot write", m_path));
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
  }

  std::filesystem::path m_path;
  int m_fd = -1;
  uint64_t m_offset = 0;
  std::string m_buffer;
  Sha256 m_hash;
  bool m_in_order = true;
};

// Streams a big file through deflate into `out`, falling back to stored when deflate does not shrink it.
Result<void> stream_file(Output& out, const ZipWriter::Entry& entry, Body& body) {
  const uint64_t data_start = out.offset();
  int fd = ::open(entry.source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::io, io_error("cannot open", entry.source));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  Deflater deflater;
  if (!deflater.ready) return fail(ErrorKind::internal, "zlib deflate init failed");
  std::string in(k_chunk, '\0');
  std::string zout(k_chunk, '\0');
  uint32_t crc = 0;
  uint64_t total = 0;
  auto& z = deflater.stream;
  for (;;) {
    ssize_t n = ::read(fd, in.data(), in.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(ErrorKind::io, io_error("cannot read", entry.source));
    }
    total += static_cast<uint64_t>(n);
    crc = crc_of(crc, std::string_view(in.data(), static_cast<size_t>(n)));
    z.next_in = reinterpret_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(n);
    const int flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
    int rc = Z_OK;
    do {
      z.next_out = reinterpret_cast<Bytef*>(zout.data());
      z.avail_out = static_cast<uInt>(zout.size());
      rc = deflate(&z, flush);
      if (rc == Z_STREAM_ERROR) return fail(ErrorKind::internal, "zlib deflate failed");
      if (auto ok = out.put(std::string_view(zout.data(), zout.size() - z.avail_out)); !ok) return ok;
    } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    if (n == 0) break;
  }
  if (total != body.uncompressed) return fail(ErrorKind::io, "file changed while packaging: " + entry.source.string());
  body.crc = crc;
  body.compressed = out.offset() - data_start;
  body.method = k_method_deflate;
  if (body.compressed >= body.uncompressed) {
    if (auto ok = out.rewind_to(data_start); !ok) return ok;
    if (::lseek(fd, 0, SEEK_SET) < 0) return fail(ErrorKind::io, io_error("cannot seek", entry.source));
    uint64_t copied = 0;
    for (;;) {
      ssize_t n = ::read(fd, in.data(), in.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail(ErrorKind::io, io_error("cannot read", entry.source));
      }
      if (n == 0) break;
      copied += static_cast<uint64_t>(n);
      if (auto ok = out.put(std::string_view(in.data(), static_cast<size_t>(n))); !ok) return ok;
    }
    if (copied != body.uncompressed) return fail(ErrorKind::io, "file changed while packaging: " + entry.source.string());
    body.method = k_method_stored;
    body.compressed = body.uncompressed;
  }
  return {};
}

uint32_t external_attributes(const ZipWriter::Entry& entry) {
  switch (entry.kind) {
    case ZipWriter::Kind::directory:
      return (uint32_t{040755} << 16) | k_dos_directory;
    case ZipWriter::Kind::symlink:
      return uint32_t{0120777} << 16;
    default:
      return (entry.executable ? uint32_t{0100755} : uint32_t{0100644}) << 16;
  }
}

// Compresses entries on worker threads, in order, at most k_window ahead of the consumer.
class Preparer {
 public:
  Preparer(const std::vector<ZipWriter::Entry>& entries, unsigned threads)
      : m_entries(entries), m_results(entries.size()) {
    for (unsigned t = 0; t < threads; ++t) m_workers.emplace_back([this] { work(); });
  }
  ~Preparer() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_cv.notify_all();
    for (auto& w : m_workers) w.join();
  }
  Result<Body> take(size_t index) {
    std::unique_lock lock(m_mutex);
    m_consumed = index;
    m_cv.notify_all();
    m_cv.wait(lock, [&] { return m_results[index].has_value(); });
    Result<Body> out = std::move(*m_results[index]);
    m_results[index].reset();
    return out;
  }

 private:
  void work() {
    Deflater deflater;
    for (;;) {
      size_t index;
      {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] { return m_stop || (m_next < m_entries.size() && m_next < m_consumed + k_window); });
        if (m_stop) return;
        index = m_next++;
      }
      Result<Body> body = prepare(deflater, m_entries[index]);
      {
        std::lock_guard lock(m_mutex);
        m_results[index] = std::move(body);
      }
      m_cv.notify_all();
    }
  }

  const std::vector<ZipWriter::Entry>& m_entries;
  std::vector<std::optional<Result<Body>>> m_results;
  std::vector<std::thread> m_workers;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  size_t m_next = 0;
  size_t m_consumed = 0;
  bool m_stop = false;
};

std::string strip_slash(std::string name) {
  while (!name.empty() && name.back() == '/') name.pop_back();
  return name;
}

}  // namespace

Result<void> check_entry_name(std::string_view name) {
  auto bad = [&](const char* why) { return fail(ErrorKind::invalid, "bad zip entry name '" + std::string(name) + "': " + why); };
  if (name.empty()) return bad("empty");
  if (name.size() > 0xFFFF) return bad("longer than 65535 bytes");
  if (name.front() == '/') return bad("absolute");
  if (name.find('\\') != std::string_view::npos) return bad("contains a backslash");
  if (name.find('\0') != std::string_view::npos) return bad("contains a NUL byte");
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part.empty() && end != name.size()) return bad("has an empty path component");
    if (part == "." || part == "..") return bad("has a '.' or '..' component");
    start = end + 1;
  }
  return {};
}

ZipWriter::ZipWriter(ZipWriterOptions options) : m_options(options) {}

void ZipWriter::add_file(std::string name, std::filesystem::path source, bool executable) {
  m_entries.push_back(Entry{std::move(name), Kind::file, executable, std::move(source), {}});
}
void ZipWriter::add_bytes(std::string name, std::string data, bool executable) {
  m_entries.push_back(Entry{std::move(name), Kind::bytes, executable, {}, std::move(data)});
}
void ZipWriter::add_directory(std::string name) {
  m_entries.push_back(Entry{strip_slash(std::move(name)), Kind::directory, true, {}, {}});
}
void ZipWriter::add_symlink(std::string name, std::string target) {
  m_entries.push_back(Entry{std::move(name), Kind::symlink, false, {}, std::move(target)});
}

Result<ZipWriteResult> ZipWriter::write(const std::filesystem::path& out_path) {
  std::vector<Entry> entries = std::move(m_entries);
  m_entries.clear();
  for (auto& entry : entries) {
    if (auto ok = check_entry_name(entry.name); !ok) return fail(ok.error());
    if (entry.kind == Kind::directory) entry.name += '/';
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  {
    std::vector<std::string_view> paths;
    paths.reserve(entries.size());
    for (const auto& e : entries) paths.push_back(e.kind == Kind::directory ? std::string_view(e.name).substr(0, e.name.size() - 1) : std::string_view(e.name));
    std::sort(paths.begin(), paths.end());
    auto dup = std::adjacent_find(paths.begin(), paths.end());
    if (dup != paths.end()) return fail(ErrorKind::invalid, "zip entry '" + std::string(*dup) + "' added more than once");
  }

  unsigned threads = m_options.threads;
  if (threads == 0) threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);

  const std::filesystem::path tmp_path = out_path.string() + ".tmp." + std::to_string(::getpid());
  Output out;
  if (auto ok = out.open(tmp_path); !ok) return fail(ok.error());
  auto cleanup_failure = [&](Error error) -> Result<ZipWriteResult> {
    (void)out.close();
    ::unlink(tmp_path.c_str());
    return fail(std::move(error));
  };

  ZipWriteResult result;
  std::vector<CentralRecord> central;
  central.reserve(entries.size());
  {
    Preparer preparer(entries, threads);
    for (size_t i = 0; i < entries.size(); ++i) {
      const Entry& entry = entries[i];
      auto body = preparer.take(i);
      if (!body) return cleanup_failure(body.error());
      CentralRecord record;
      record.name = entry.name;
      record.external_attributes = external_attributes(entry);
      record.offset = out.offset();
      // Stored fallback bounds compressed <= uncompressed, so the uncompressed size alone decides zip64.
      record.local_zip64 = body->uncompressed >= k_zip32_max;
      if (!body->streamed) {
        record.crc = body->crc;
        record.compressed = body->compressed;
        record.uncompressed = body->uncompressed;
        record.method = body->method;
        if (auto ok = out.put(local_header(record)); !ok) return cleanup_failure(ok.error());
        if (auto ok = out.put(body->payload); !ok) return cleanup_failure(ok.error());
      } else {
        record.uncompressed = body->uncompressed;
        record.method = k_method_deflate;
        if (auto ok = out.put(local_header(record)); !ok) return cleanup_failure(ok.error());
        if (auto ok = stream_file(out, entry, *body); !ok) return cleanup_failure(ok.error());
        record.crc = body->crc;
        record.compressed = body->compressed;
        record.method = body->method;
        if (auto ok = out.patch(record.offset, local_header(record)); !ok) return cleanup_failure(ok.error());
      }
      result.uncompressed_size += record.uncompressed;
      result.compressed_sizes.emplace_back(entry.name, record.compressed);
      central.push_back(std::move(record));
    }
  }
  const uint64_t central_offset = out.offset();
  for (const auto& record : central) {
    if (auto ok = out.put(central_header(record)); !ok) return cleanup_failure(ok.error());
  }
  const uint64_t central_size = out.offset() - central_offset;
  std::string tail = end_records(central.size(), central_offset, central_size, out.offset(), result.zip64);
  if (auto ok = out.put(tail); !ok) return cleanup_failure(ok.error());
  for (const auto& record : central) result.zip64 = result.zip64 || record.local_zip64;
  const bool hashed = out.hashed_in_order();
  if (auto ok = out.close(); !ok) {
    ::unlink(tmp_path.c_str());
    return fail(ok.error());
  }
  result.size = out.offset();
  result.entry_count = central.size();
  if (hashed) {
    result.sha256 = out.hash().finish();
  } else {
    Sha256 hash;
    int fd = ::open(tmp_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(ErrorKind::io, io_error("cannot reopen", tmp_path));
    std::string buffer(k_chunk, '\0');
    for (;;) {
      ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      hash.update(std::string_view(buffer.data(), static_cast<size_t>(n)));
    }
    ::close(fd);
    result.sha256 = hash.finish();
  }
  if (::rename(tmp_path.c_str(), out_path.c_str()) != 0) {
    std::string message = io_error("cannot rename " + tmp_path.string() + " to", out_path);
    ::unlink(tmp_path.c_str());
    return fail(ErrorKind::io, message);
  }
  return result;
}

}  // namespace lcd::package
