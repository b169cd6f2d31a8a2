#pragma once
// flock(2) that is not cut short by a signal: 0 or -1 with errno, as flock.

namespace lcd {

int flock_retrying(int fd, int operation);

}  // namespace lcd
