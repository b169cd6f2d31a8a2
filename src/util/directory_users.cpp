#include "util/directory_users.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "util/flock.hpp"

namespace lcd {

Result<DirectoryUsers> DirectoryUsers::open(const std::filesystem::path& dir) {
  auto users = dir / ".users";
  int fd = ::open(users.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail(ErrorKind::io, "cannot open " + users.string() + ": " + std::strerror(errno));
  return DirectoryUsers(fd);
}

DirectoryUsers::DirectoryUsers(DirectoryUsers&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

DirectoryUsers& DirectoryUsers::operator=(DirectoryUsers&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

DirectoryUsers::~DirectoryUsers() {
  if (m_fd >= 0) ::close(m_fd);
}

Result<bool> DirectoryUsers::claim() {
  if (flock_retrying(m_fd, LOCK_EX | LOCK_NB) == 0) return true;
  if (errno != EWOULDBLOCK) return fail(ErrorKind::io, std::string("cannot lock a shared directory: ") + std::strerror(errno));
  if (auto shared = share(); !shared) return fail(shared.error());
  return false;
}

Result<void> DirectoryUsers::share() {
  if (flock_retrying(m_fd, LOCK_SH) != 0) {
    return fail(ErrorKind::io, std::string("cannot lock a shared directory: ") + std::strerror(errno));
  }
  return {};
}

}  // namespace lcd
