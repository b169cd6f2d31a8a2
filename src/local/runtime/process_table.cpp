#include "local/runtime/process_table.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <map>
#include <string>

namespace lcd::local::runtime {
namespace {

// Fields after the command name, 0-based from field 3 (state).
constexpr size_t k_ppid = 1, k_pgrp = 2, k_threads = 17, k_start_time = 19;

template <typename T>
bool to_number(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<ProcEntry> parse_proc_stat(std::string_view line) {
  const size_t open = line.find(" (");
  const size_t close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  ProcEntry entry;
  if (!to_number(line.substr(0, open), entry.pid) || entry.pid <= 0) return std::nullopt;
  std::vector<std::string_view> fields;
  std::string_view rest = line.substr(close + 1);
  while (fields.size() <= k_start_time) {
    size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    size_t end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  if (fields.size() <= k_start_time) return std::nullopt;
  if (!to_number(fields[k_ppid], entry.ppid) || !to_number(fields[k_pgrp], entry.pgrp) ||
      !to_number(fields[k_threads], entry.threads) || !to_number(fields[k_start_time], entry.start_time)) {
    return std::nullopt;
  }
  return entry;
}

std::vector<ProcEntry> sandbox_members(const std::vector<ProcEntry>& table, pid_t pgid, const std::set<ProcessId>& known) {
  std::multimap<pid_t, size_t> children;  // ppid -> index
  for (size_t i = 0; i < table.size(); ++i) children.emplace(table[i].ppid, i);
  std::vector<bool> taken(table.size(), false);
  std::vector<size_t> frontier;
  for (size_t i = 0; i < table.size(); ++i) {
    const ProcEntry& e = table[i];
    if ((pgid > 0 && e.pgrp == pgid) || known.count({e.pid, e.start_time})) {
      taken[i] = true;
      frontier.push_back(i);
    }
  }
  while (!frontier.empty()) {
    const pid_t parent = table[frontier.back()].pid;
    frontier.pop_back();
    auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      if (taken[it->second]) continue;
      taken[it->second] = true;
      frontier.push_back(it->second);
    }
  }
  std::vector<ProcEntry> members;
  for (size_t i = 0; i < table.size(); ++i) {
    if (taken[i]) members.push_back(table[i]);
  }
  return members;
}

int64_t task_count(const std::vector<ProcEntry>& members) {
  int64_t total = 0;
  for (const auto& m : members) total += m.threads > 0 ? m.threads : 1;
  return total;
}

std::string read_kernel_file(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

std::vector<ProcEntry> read_process_table(const std::function<bool(const ProcEntry&)>& keep_going) {
  std::vector<ProcEntry> table;
  DIR* dir = ::opendir("/proc");
  if (!dir) return table;
  std::string path;
  char buf[1024];
  while (dirent* d = ::readdir(dir)) {
    if (d->d_name[0] < '1' || d->d_name[0] > '9') continue;
    path.assign("/proc/").append(d->d_name).append("/stat");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n <= 0) continue;
    if (auto entry = parse_proc_stat(std::string_view(buf, static_cast<size_t>(n)))) {
      table.push_back(*entry);
      if (keep_going && !keep_going(*entry)) break;
    }
  }
  ::closedir(dir);
  return table;
}

}  // namespace lcd::local::runtime
