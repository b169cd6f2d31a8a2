// The pure pieces of the process limit: /proc stat lines, finding a sandbox's processes in a
// process table, the limit decision, and the cgroup files' parsers.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

#include "local/runtime/pids_cgroup.hpp"
#include "local/runtime/process_limit.hpp"
#include "local/runtime/process_table.hpp"

namespace lcd::local::runtime {
namespace {

std::vector<pid_t> pids_of(const std::vector<ProcEntry>& members) {
  std::vector<pid_t> out;
  for (const auto& m : members) out.push_back(m.pid);
  std::sort(out.begin(), out.end());
  return out;
}

ProcEntry proc(pid_t pid, pid_t ppid, pid_t pgrp, int64_t threads = 1, uint64_t start = 100) {
  return ProcEntry{pid, ppid, pgrp, threads, start};
}

TEST(ProcessTable, ParsesAStatLine) {
  auto e = parse_proc_stat(
      "4242 (node) S 4000 4242 3900 0 -1 4194560 2951 0 0 0 12 3 0 0 20 0 7 0 123456 1004 2000 18446744073709551615 "
      "1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pid, 4242);
  EXPECT_EQ(e->ppid, 4000);
  EXPECT_EQ(e->pgrp, 4242);
  EXPECT_EQ(e->threads, 7);
  EXPECT_EQ(e->start_time, 123456u);
}

TEST(ProcessTable, CommandNamesWithSpacesAndParenthesesDoNotShiftFields) {
  auto e = parse_proc_stat("77 (a) b (c) R 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 3 0 999 0 0");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->ppid, 1);
  EXPECT_EQ(e->pgrp, 77);
  EXPECT_EQ(e->threads, 3);
  EXPECT_EQ(e->start_time, 999u);
}

TEST(ProcessTable, RejectsTruncatedOrGarbledLines) {
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("12 (sh) S 1 12"));
  EXPECT_FALSE(parse_proc_stat("x (sh) S 1 12 12 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0"));
  EXPECT_FALSE(parse_proc_stat("12 sh S 1 12 12 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0"));
  EXPECT_FALSE(parse_proc_stat("12 (sh) S one 12 12 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0"));
}

TEST(ProcessTable, ReadsThisProcessFromProc) {
  auto table = read_process_table();
  auto self = std::find_if(table.begin(), table.end(), [](const ProcEntry& e) { return e.pid == ::getpid(); });
  ASSERT_NE(self, table.end());
  EXPECT_EQ(self->pgrp, ::getpgrp());
  EXPECT_GE(self->threads, 1);
}

TEST(SandboxMembers, TheGroupAndEveryDescendantWhateverItsGroup) {
  // 100 leads the sandbox (group 100); 101, 102 in it; 103 forked by 102 called setsid (group
  // 103) and forked 104; 200 and its child 201 are someone else's; 300 is in another group under init.
  std::vector<ProcEntry> table = {proc(1, 0, 1),       proc(100, 50, 100), proc(101, 100, 100), proc(102, 101, 100),
                                  proc(103, 102, 103), proc(104, 103, 103), proc(200, 1, 200),   proc(201, 200, 200),
                                  proc(300, 1, 300)};
  EXPECT_EQ(pids_of(sandbox_members(table, 100, {})), (std::vector<pid_t>{100, 101, 102, 103, 104}));
}

TEST(SandboxMembers, OrphansOfTheGroupAreStillInIt) {
  // The leader exited; its group's processes were reparented to init.
  std::vector<ProcEntry> table = {proc(1, 0, 1), proc(101, 1, 100), proc(102, 1, 100), proc(400, 1, 400)};
  EXPECT_EQ(pids_of(sandbox_members(table, 100, {})), (std::vector<pid_t>{101, 102}));
}

TEST(SandboxMembers, AKnownEscapeeIsFollowedOnlyWhileItIsTheSameProcess) {
  // 103 left the group (setsid) and its parent died: found only through what was seen before.
  std::vector<ProcEntry> table = {proc(1, 0, 1), proc(100, 50, 100), proc(103, 1, 103, 1, 777), proc(104, 103, 103)};
  EXPECT_EQ(pids_of(sandbox_members(table, 100, {})), (std::vector<pid_t>{100}));
  EXPECT_EQ(pids_of(sandbox_members(table, 100, {{103, 777}})), (std::vector<pid_t>{100, 103, 104}));
  // Same pid, another start time: a recycled pid, not ours.
  EXPECT_EQ(pids_of(sandbox_members(table, 100, {{103, 778}})), (std::vector<pid_t>{100}));
  // After the leader is reaped only the record counts (group 0 matches nothing).
  EXPECT_EQ(pids_of(sandbox_members(table, 0, {{103, 777}})), (std::vector<pid_t>{103, 104}));
}

TEST(SandboxMembers, ACycleInParentLinksDoesNotLoop) {
  std::vector<ProcEntry> table = {proc(10, 11, 10), proc(11, 10, 10)};
  EXPECT_EQ(pids_of(sandbox_members(table, 10, {})), (std::vector<pid_t>{10, 11}));
}

TEST(ProcessLimit, CountsThreadsWithProcesses) {
  std::vector<ProcEntry> members = {proc(100, 1, 100, 11), proc(101, 100, 100, 1), proc(102, 100, 100, 0)};
  EXPECT_EQ(task_count(members), 13);  // an unreadable thread count still counts the process
}

TEST(ProcessLimit, OverOnlyPastTheLimitAndNeverWhenOff) {
  EXPECT_FALSE(over_process_limit(64, 64));
  EXPECT_TRUE(over_process_limit(65, 64));
  EXPECT_FALSE(over_process_limit(100000, 0));
  EXPECT_EQ(process_limit_reason(64),
            "the function's sandbox reached its limit of 64 processes and threads (lambda-cd local --process-limit)");
}

TEST(ProcessLimit, TheWatchdogLooksWhenTheMachineGrewByHalfTheHeadroom) {
  // Last look: sandbox 14 of 64 (headroom 50) with 300 tasks on the machine.
  EXPECT_FALSE(watchdog_should_look(300, 300, 14, 64));
  EXPECT_FALSE(watchdog_should_look(324, 300, 14, 64));
  EXPECT_TRUE(watchdog_should_look(325, 300, 14, 64));
  EXPECT_FALSE(watchdog_should_look(250, 300, 14, 64));  // the machine shrank
  EXPECT_TRUE(watchdog_should_look(301, 300, 63, 64));   // at the edge: any growth
  EXPECT_TRUE(watchdog_should_look(-1, 300, 14, 64));    // unknown: look
  EXPECT_TRUE(watchdog_should_look(300, -1, 14, 64));    // never looked
}

TEST(ProcessLimit, ReadsTheMachinesTaskCountFromLoadavg) {
  EXPECT_EQ(loadavg_total_tasks("0.52 0.58 0.59 2/345 12345\n"), 345);
  EXPECT_EQ(loadavg_total_tasks("0.00 0.01 0.05 1/87 99"), 87);
  EXPECT_EQ(loadavg_total_tasks("garbage"), -1);
  EXPECT_EQ(loadavg_total_tasks("0.1 0.1 0.1 1/ 5"), -1);
}

TEST(ProcessLimit, ReadsUidAndThreadsFromStatus) {
  auto found = status_uid_threads("Name:\tnode\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\nThreads:\t11\n");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first, 1000u);
  EXPECT_EQ(found->second, 11);
  EXPECT_FALSE(status_uid_threads("Name:\tnode\nThreads:\t11\n"));
}

TEST(ProcessLimit, TheRlimitBackstopIsTheUsersTasksPlusTwiceTheLimitNeverARaise) {
  EXPECT_EQ(nproc_backstop(300, 64, 63000, 63000), (std::pair<uint64_t, uint64_t>{428, 428}));
  EXPECT_EQ(nproc_backstop(300, 64, 400, 63000), (std::pair<uint64_t, uint64_t>{400, 428}));
  EXPECT_EQ(nproc_backstop(300, 1024, RLIM_INFINITY, RLIM_INFINITY), (std::pair<uint64_t, uint64_t>{2348, 2348}));
}

TEST(ProcessLimit, OffGivesNoSandboxAndWatchdogWhenCgroupsAreRefused) {
  std::string problem;
  ProcessLimiter off(ProcessLimitOptions{0, true});
  EXPECT_EQ(off.describe(), "off");
  EXPECT_EQ(off.make_sandbox(problem), nullptr);

  ProcessLimiter watched(ProcessLimitOptions{64, false});
  EXPECT_NE(watched.describe().find("watchdog"), std::string::npos) << watched.describe();
  auto sandbox = watched.make_sandbox(problem);
  ASSERT_NE(sandbox, nullptr);
  EXPECT_STREQ(sandbox->mechanism(), "watchdog");
  EXPECT_EQ(sandbox->join_fd(), -1);
  EXPECT_EQ(sandbox->max_tasks(), 64);
  EXPECT_TRUE(problem.empty());
}

TEST(CgroupFiles, FindsTheOwnPathPerHierarchy) {
  const std::string v1 = "12:pids:/user.slice/user-1000.slice\n4:memory:/box/abc\n3:cpu,cpuacct:/\n0::/\n";
  EXPECT_EQ(own_cgroup_path(v1, "pids"), "/user.slice/user-1000.slice");
  EXPECT_EQ(own_cgroup_path(v1, "cpuacct"), "/");
  EXPECT_EQ(own_cgroup_path(v1, ""), "/");
  EXPECT_FALSE(own_cgroup_path(v1, "freezer"));
  const std::string v2 = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/a:b.scope\n";
  EXPECT_EQ(own_cgroup_path(v2, ""), "/user.slice/user-1000.slice/user@1000.service/app.slice/a:b.scope");
  EXPECT_FALSE(own_cgroup_path(v2, "pids"));
}

TEST(CgroupFiles, FindsTheMountOfEachHierarchy) {
  const std::string mountinfo =
      "22 21 0:20 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "30 22 0:27 / /sys/fs/cgroup/pids rw,relatime shared:9 - cgroup cgroup rw,pids\n"
      "31 22 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
      "32 22 0:29 /box /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  auto pids = find_cgroup_mount(mountinfo, "pids");
  ASSERT_TRUE(pids);
  EXPECT_EQ(pids->root, "/");
  EXPECT_EQ(pids->mount_point, "/sys/fs/cgroup/pids");
  auto cpuacct = find_cgroup_mount(mountinfo, "cpuacct");
  ASSERT_TRUE(cpuacct);
  EXPECT_EQ(cpuacct->mount_point, "/sys/fs/cgroup/cpu,cpuacct");
  auto v2 = find_cgroup_mount(mountinfo, "");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->root, "/box");
  EXPECT_EQ(v2->mount_point, "/sys/fs/cgroup/unified");
  EXPECT_FALSE(find_cgroup_mount(mountinfo, "freezer"));
  EXPECT_FALSE(find_cgroup_mount("garbage\n\n- - -\n", "pids"));
}

TEST(CgroupFiles, JoinsTheMountAndThePath) {
  EXPECT_EQ(cgroup_directory({"/", "/sys/fs/cgroup/pids"}, "/"), std::filesystem::path("/sys/fs/cgroup/pids"));
  EXPECT_EQ(cgroup_directory({"/", "/sys/fs/cgroup"}, "/a/b.scope"), std::filesystem::path("/sys/fs/cgroup/a/b.scope"));
  EXPECT_EQ(cgroup_directory({"/box", "/sys/fs/cgroup"}, "/box/x"), std::filesystem::path("/sys/fs/cgroup/x"));
  EXPECT_EQ(cgroup_directory({"/box", "/sys/fs/cgroup"}, "/box"), std::filesystem::path("/sys/fs/cgroup"));
  EXPECT_FALSE(cgroup_directory({"/box", "/sys/fs/cgroup"}, "/boxer"));
  EXPECT_FALSE(cgroup_directory({"/box", "/sys/fs/cgroup"}, "/other"));
}

TEST(CgroupFiles, ReadsRefusedForksFromPidsEvents) {
  EXPECT_EQ(pids_events_max("max 0\n"), 0u);
  EXPECT_EQ(pids_events_max("max 17\n"), 17u);
  EXPECT_EQ(pids_events_max("max.imposed 0\nmax 3\n"), 3u);
  EXPECT_EQ(pids_events_max(""), 0u);
}

}  // namespace
}  // namespace lcd::local::runtime
