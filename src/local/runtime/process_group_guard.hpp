#pragma once
// Execution environments' process groups die with the endpoint, however it dies. A runtime gets
// SIGKILL from PR_SET_PDEATHSIG when the endpoint dies, but processes the function started do not
// (PDEATHSIG is not inherited): after a SIGKILL of the endpoint they would run on, orphaned. A
// guardian process, forked on first use, keeps the ids of the live groups it is told about over a
// pipe; when the pipe's write end closes (the endpoint exited or was killed) it sends SIGKILL to
// each of those groups and exits. A process that leaves its group (setsid, setpgid) escapes it.

#include <sys/types.h>

namespace lcd::local::runtime {

// Records `pgid` as a group to kill when the endpoint dies (nothing when the guardian could not
// be started: a runtime still dies with the endpoint, through PDEATHSIG).
void guard_process_group(pid_t pgid);
// The group was sent SIGKILL: forget it (once its processes are reaped, its id may be reused).
void unguard_process_group(pid_t pgid);

}  // namespace lcd::local::runtime
