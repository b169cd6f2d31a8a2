#pragma once
// The local endpoint started for the duration of one command: `lambda-cd local --port 0 --state DIR`
// in a child process (this same binary), stopped when the object goes away.

#include <filesystem>
#include <memory>
#include <string>

#include "util/result.hpp"

namespace lcd::cli {

class EmbeddedEndpoint {
 public:
  // Starts the child and waits (up to 30 s) for its "lambda-cd local listening on URL" line.
  static Result<std::unique_ptr<EmbeddedEndpoint>> start(const std::filesystem::path& state_dir);
  ~EmbeddedEndpoint();
  EmbeddedEndpoint(const EmbeddedEndpoint&) = delete;
  EmbeddedEndpoint& operator=(const EmbeddedEndpoint&) = delete;

  const std::string& url() const { return m_url; }
  const std::filesystem::path& state_dir() const { return m_state_dir; }

 private:
  EmbeddedEndpoint(int pid, std::string url, std::filesystem::path state_dir)
      : m_pid(pid), m_url(std::move(url)), m_state_dir(std::move(state_dir)) {}
  int m_pid;
  std::string m_url;
  std::filesystem::path m_state_dir;
};

// True when something accepts TCP connections at the URL's host and port (1 s timeout).
bool endpoint_listening(const std::string& url);

}  // namespace lcd::cli
