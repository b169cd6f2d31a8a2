#include "util/flock.hpp"

#include <sys/file.h>

#include <cerrno>

namespace lcd {

int flock_retrying(int fd, int operation) {
  int rc;
  while ((rc = ::flock(fd, operation)) != 0 && errno == EINTR) {
  }
  return rc;
}

}  // namespace lcd
