#pragma once
// Which processes use a directory that several `lambda-cd local` processes may share (one state
// directory, two endpoints): each user holds a shared flock on <dir>/.users for as long as it
// uses the directory, so a process that obtains the lock exclusively knows it is the only user and
// may remove what only a dead user could have left (temporary files, caches) before it shares.

#include <filesystem>

#include "util/result.hpp"

namespace lcd {

class DirectoryUsers {
 public:
  // Opens (creating) <dir>/.users without locking it; `dir` must exist.
  static Result<DirectoryUsers> open(const std::filesystem::path& dir);

  DirectoryUsers(DirectoryUsers&& other) noexcept;
  DirectoryUsers& operator=(DirectoryUsers&& other) noexcept;
  DirectoryUsers(const DirectoryUsers&) = delete;
  DirectoryUsers& operator=(const DirectoryUsers&) = delete;
  ~DirectoryUsers();  // closing the file releases the lock

  // Takes the lock exclusively when no other process holds it (true: this process is the only
  // user until share()), else shared (false). Never waits for another user to leave.
  Result<bool> claim();
  // Holds the lock shared: this process is registered as a user and others may join.
  Result<void> share();

 private:
  explicit DirectoryUsers(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace lcd
