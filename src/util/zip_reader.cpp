#include "util/zip_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <system_error>

#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd {
namespace {

// Symlink targets are tiny; anything bigger is not a link a packager made.
constexpr uint64_t k_max_symlink_target = 4096;

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipCloser>;

struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using ZipFileHandle = std::unique_ptr<zip_file_t, ZipFileCloser>;

Result<ZipHandle> open_archive(std::string_view archive) {
  // The end-of-central-directory record alone is 22 bytes; libzip would call an empty buffer a new archive.
  if (archive.size() < 22) return fail(ErrorKind::invalid, "not a zip archive: only " + std::to_string(archive.size()) + " bytes");
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(archive.data(), archive.size(), 0, &error);
  if (!source) {
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return fail(ErrorKind::internal, "cannot read zip from memory: " + text);
  }
  zip_t* handle = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!handle) {
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    zip_source_free(source);
    return fail(ErrorKind::invalid, "not a valid zip archive: " + text);
  }
  zip_error_fini(&error);
  return ZipHandle(handle);
}

// Splits an entry name into its path components, dropping empty and "." parts. Fails on anything that
// could leave the root or be read differently by another extractor.
Result<std::vector<std::string>> safe_components(const std::string& name) {
  if (name.empty()) return fail(ErrorKind::invalid, "zip entry with an empty name");
  if (name.find('\0') != std::string::npos) return fail(ErrorKind::invalid, "zip entry name contains a NUL byte");
  if (name.find('\\') != std::string::npos)
    return fail(ErrorKind::invalid, "zip entry '" + name + "' contains a backslash (escaping the root is not allowed)");
  if (name.front() == '/') return fail(ErrorKind::invalid, "zip entry '" + name + "' is an absolute path");
  if (name.size() >= 2 && name[1] == ':') return fail(ErrorKind::invalid, "zip entry '" + name + "' has a drive letter");
  std::vector<std::string> parts;
  for (auto part : split(name, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") return fail(ErrorKind::invalid, "zip entry '" + name + "' escapes the root with '..'");
    parts.emplace_back(part);
  }
  if (parts.empty()) return fail(ErrorKind::invalid, "zip entry '" + name + "' names no file");
  return parts;
}

std::string join_components(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out;
}

// A link's target must resolve inside the root. Only leading ".." parts are accepted so that the walk
// up passes through real directories (never through another link), which makes the lexical check exact.
Result<void> check_symlink_target(const std::string& name, const std::vector<std::string>& link_parts,
                                  const std::string& target) {
  auto bad = [&](const std::string& why) {
    return fail(ErrorKind::invalid, "zip entry '" + name + "' is a symlink to '" + target + "', " + why);
  };
  if (target.empty()) return bad("an empty target");
  if (target.find('\0') != std::string::npos || target.find('\\') != std::string::npos) return bad("with forbidden characters");
  if (target.front() == '/') return bad("an absolute path outside the package");
  long depth = static_cast<long>(link_parts.size()) - 1;  // the directory holding the link
  bool descended = false;
  for (auto part : split(target, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (descended) return bad("with '..' after a directory name");
      if (--depth < 0) return bad("which leaves the package root");
    } else {
      descended = true;
    }
  }
  return {};
}

Result<std::string> read_entry(zip_t* archive, zip_uint64_t index, uint64_t size, const std::string& name) {
  ZipFileHandle file(zip_fopen_index(archive, index, 0));
  if (!file) return fail(ErrorKind::invalid, "cannot open zip entry '" + name + "': " + zip_strerror(archive));
  std::string data(size, '\0');
  zip_int64_t n = size ? zip_fread(file.get(), data.data(), size) : 0;
  if (n < 0 || static_cast<uint64_t>(n) != size)
    return fail(ErrorKind::invalid, "cannot read zip entry '" + name + "': " + zip_file_strerror(file.get()));
  return data;
}

struct CheckedEntry {
  ZipEntryInfo info;
  std::vector<std::string> parts;
  std::string symlink_target;
};

struct CheckedZip {
  ZipInfo info;
  std::vector<CheckedEntry> entries;  // same order as info.entries
};

Result<CheckedZip> check_archive(zip_t* archive) {
  CheckedZip out;
  zip_int64_t count = zip_get_num_entries(archive, 0);
  if (count < 0) return fail(ErrorKind::invalid, "not a valid zip archive: no central directory");
  std::set<std::string> seen;
  std::set<std::string> links;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive, i, 0, &st) != 0)
      return fail(ErrorKind::invalid, "cannot read zip entry #" + std::to_string(i) + ": " + zip_strerror(archive));
    if (!(st.valid & ZIP_STAT_NAME) || !st.name || !*st.name)
      return fail(ErrorKind::invalid, "zip entry #" + std::to_string(i) + " has no name");
    CheckedEntry entry;
    entry.info.name = st.name;
    entry.info.uncompressed_size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(archive, i, 0, &opsys, &attributes) == 0 && opsys == ZIP_OPSYS_UNIX)
      entry.info.unix_mode = attributes >> 16;
    const uint32_t type = entry.info.unix_mode & S_IFMT;
    entry.info.is_directory = entry.info.name.back() == '/' || type == S_IFDIR;
    entry.info.is_symlink = !entry.info.is_directory && type == S_IFLNK;

    auto parts = safe_components(entry.info.name);
    if (!parts) return fail(parts.error());
    entry.parts = std::move(*parts);
    const std::string key = join_components(entry.parts, entry.parts.size());
    if (!seen.insert(key).second && !entry.info.is_directory)
      return fail(ErrorKind::invalid, "zip entry '" + entry.info.name + "' appears more than once");

    if (entry.info.is_symlink) {
      if (entry.info.uncompressed_size > k_max_symlink_target)
        return fail(ErrorKind::invalid, "zip entry '" + entry.info.name + "' is a symlink with an oversized target");
      auto target = read_entry(archive, i, entry.info.uncompressed_size, entry.info.name);
      if (!target) return fail(target.error());
      if (auto ok = check_symlink_target(entry.info.name, entry.parts, *target); !ok) return fail(ok.error());
      entry.symlink_target = std::move(*target);
      links.insert(key);
    }
    out.info.total_uncompressed += entry.info.uncompressed_size;
    out.info.entries.push_back(entry.info);
    out.entries.push_back(std::move(entry));
  }
  // Nothing may be placed through a link: extraction would follow it, so its real location would
  // differ from the checked one.
  for (const auto& entry : out.entries) {
    for (size_t n = 1; n < entry.parts.size(); ++n) {
      if (links.count(join_components(entry.parts, n)))
        return fail(ErrorKind::invalid, "zip entry '" + entry.info.name + "' lies below the symlink '" +
                                            join_components(entry.parts, n) + "'");
    }
  }
  return out;
}

Result<void> write_entry(zip_t* archive, zip_uint64_t index, const CheckedEntry& entry, const std::filesystem::path& path) {
  const mode_t mode = (entry.info.unix_mode & 0111) ? 0755 : 0644;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return fail(ErrorKind::io, "cannot create " + path.string() + ": " + std::strerror(errno));
  auto close_with = [&](Result<void> result) {
    if (::close(fd) != 0 && result) return Result<void>(fail(ErrorKind::io, "cannot close " + path.string()));
    return result;
  };
  ZipFileHandle file(zip_fopen_index(archive, index, 0));
  if (!file) return close_with(fail(ErrorKind::invalid, "cannot open zip entry '" + entry.info.name + "': " + zip_strerror(archive)));
  char buffer[64 * 1024];
  for (;;) {
    zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
    if (n < 0)
      return close_with(fail(ErrorKind::invalid, "cannot read zip entry '" + entry.info.name + "': " + zip_file_strerror(file.get())));
    if (n == 0) break;
    const char* p = buffer;
    size_t left = static_cast<size_t>(n);
    while (left > 0) {
      ssize_t w = ::write(fd, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        return close_with(fail(ErrorKind::io, "cannot write " + path.string() + ": " + std::strerror(errno)));
      }
      p += w;
      left -= static_cast<size_t>(w);
    }
  }
  // An existing file's mode survives O_CREAT; set it explicitly.
  if (::fchmod(fd, mode) != 0) return close_with(fail(ErrorKind::io, "cannot chmod " + path.string()));
  return close_with({});
}

}  // namespace

Result<ZipInfo> inspect_zip(std::string_view archive) {
  auto handle = open_archive(archive);
  if (!handle) return fail(handle.error());
  auto checked = check_archive(handle->get());
  if (!checked) return fail(checked.error());
  return std::move(checked->info);
}

Result<void> extract_zip(std::string_view archive, const std::filesystem::path& dest) {
  auto handle = open_archive(archive);
  if (!handle) return fail(handle.error());
  auto checked = check_archive(handle->get());
  if (!checked) return fail(checked.error());
  if (auto made = ensure_directory(dest); !made) return made;

  // Directories and files first, links last, so no write can pass through a freshly made link.
  std::error_code ec;
  for (size_t i = 0; i < checked->entries.size(); ++i) {
    const CheckedEntry& entry = checked->entries[i];
    if (entry.info.is_symlink) continue;
    std::filesystem::path path = dest;
    for (const auto& part : entry.parts) path /= part;
    const std::filesystem::path dir = entry.info.is_directory ? path : path.parent_path();
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(ErrorKind::io, "cannot create directory " + dir.string() + ": " + ec.message());
    if (entry.info.is_directory) continue;
    if (auto ok = write_entry(handle->get(), i, entry, path); !ok) return ok;
  }
  for (const CheckedEntry& entry : checked->entries) {
    if (!entry.info.is_symlink) continue;
    std::filesystem::path path = dest;
    for (const auto& part : entry.parts) path /= part;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return fail(ErrorKind::io, "cannot create directory " + path.parent_path().string() + ": " + ec.message());
    if (::symlink(entry.symlink_target.c_str(), path.c_str()) != 0)
      return fail(ErrorKind::io, "cannot create symlink " + path.string() + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace lcd
