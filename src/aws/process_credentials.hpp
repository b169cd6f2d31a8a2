#pragma once
// credential_process: a profile names a command (split like a POSIX shell would split words, but
// run without a shell, as the SDKs do) that prints {"Version": 1, "AccessKeyId", "SecretAccessKey",
// "SessionToken"?, "Expiration"?} on stdout. Its stderr stays on the terminal, so a helper can
// prompt; a non-zero exit, a timeout (5 minutes) or bad JSON is an error naming the profile.

#include <vector>

#include "aws/shared_config.hpp"

namespace lcd::aws {

class ProcessCredentials final : public CredentialProvider {
 public:
  ProcessCredentials(std::shared_ptr<const SharedConfig> files, std::string profile, CredentialIo io)
      : m_files(std::move(files)), m_profile(std::move(profile)), m_io(std::move(io)) {}
  std::string name() const override { return "credential_process"; }
  Result<CredentialLookup> load() override;

 private:
  std::shared_ptr<const SharedConfig> m_files;
  std::string m_profile;
  CredentialIo m_io;
};

// Shell-like word splitting: whitespace separates, '...' is literal, "..." allows \" \\ \$ \`,
// a backslash outside quotes escapes the next character. Errors on an unclosed quote.
Result<std::vector<std::string>> split_command_line(std::string_view command);

}  // namespace lcd::aws
