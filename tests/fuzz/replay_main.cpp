// The main() fuzz targets get in builds without libFuzzer (the normal build, g++): replays every
// input file given (a directory: every file in it, sorted) through LLVMFuzzerTestOneInput, then
// feeds `--mutations N` deterministic mutations of each input (flips, truncations, insertions,
// splices from a fixed seed), so `ctest` re-runs the corpus and a brief smoke fuzz on every build.
// libFuzzer builds (-DLCD_FUZZ=ON, clang) link -fsanitize=fuzzer instead of this file.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void run(const std::string& input) {
  // A copy in its own allocation, so ASan sees reads past the end.
  std::vector<uint8_t> copy(input.begin(), input.end());
  LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
}

std::string mutate(std::string s, std::mt19937_64& rng, const std::vector<std::string>& corpus) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
  const int steps = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < steps; ++i) {
    switch (rng() % 6) {
      case 0:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      case 2:  // insert an interesting byte
        s.insert(pick(s.size() + 1), 1, "\0\n\r<>&\"'{}[]:,=%\xff"[rng() % 17]);
        break;
      case 3:  // duplicate a slice
        if (!s.empty()) {
          size_t a = pick(s.size()), n = pick(std::min<size_t>(s.size() - a, 64) + 1);
          s.insert(pick(s.size() + 1), s.substr(a, n));
        }
        break;
      case 4:  // erase a slice
        if (!s.empty()) {
          size_t a = pick(s.size());
          s.erase(a, pick(std::min<size_t>(s.size() - a, 16) + 1));
        }
        break;
      default:  // splice with another input
        if (!corpus.empty()) {
          const std::string& other = corpus[pick(corpus.size())];
          s = s.substr(0, pick(s.size() + 1)) + other.substr(pick(other.size() + 1));
        }
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 0;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--mutations") == 0 && i + 1 < argc) {
      mutations = std::strtol(argv[++i], nullptr, 10);
      continue;
    }
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      std::vector<std::filesystem::path> in_dir;
      for (const auto& e : std::filesystem::directory_iterator(p)) {
        if (e.is_regular_file()) in_dir.push_back(e.path());
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.push_back(p);
    }
  }
  std::vector<std::string> corpus;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", f.c_str());
      return 2;
    }
    corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "no inputs: a target's corpus must not be empty\n");
    return 2;
  }
  for (const auto& input : corpus) run(input);
  std::mt19937_64 rng(20261127);
  long executed = static_cast<long>(corpus.size());
  for (long m = 0; m < mutations; ++m) {
    for (const auto& input : corpus) {
      run(mutate(input, rng, corpus));
      ++executed;
    }
  }
  std::printf("%zu inputs replayed, %ld executions, no crash\n", corpus.size(), executed);
  return 0;
}
