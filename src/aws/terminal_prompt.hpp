#pragma once
// Questions for the person at the terminal (MFA codes), asked on /dev/tty so piped output and
// --output json stay clean.

#include "aws/credential_provider.hpp"

namespace lcd::aws {

// Writes the prompt to /dev/tty and reads one line; an Error (kind auth) when the process has no
// controlling terminal (CI, cron, a detached container).
MfaPrompt terminal_mfa_prompt();

}  // namespace lcd::aws
