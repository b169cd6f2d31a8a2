#include "aws/terminal_prompt.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lcd::aws {

MfaPrompt terminal_mfa_prompt() {
  return [](const std::string& prompt) -> Result<std::string> {
    int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return fail(ErrorKind::auth, std::string("there is no terminal to ask on (/dev/tty: ") + std::strerror(errno) + ")");
    ssize_t ignored = ::write(fd, prompt.data(), prompt.size());
    (void)ignored;
    std::string line;
    char c = 0;
    while (true) {
      ssize_t n = ::read(fd, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || c == '\n') break;
      if (line.size() < 256) line.push_back(c);
    }
    ::close(fd);
    return line;
  };
}

}  // namespace lcd::aws
