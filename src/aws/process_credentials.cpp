#include "aws/process_credentials.hpp"

#include <nlohmann/json.hpp>

namespace lcd::aws {

Result<std::vector<std::string>> split_command_line(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (i + 1 < command.size()) word.push_back(command[++i]);
      continue;
    }
    if (c == '\'') {
      size_t close = command.find('\'', i + 1);
      if (close == std::string_view::npos) return fail(ErrorKind::invalid, "unclosed ' in command");
      word.append(command.substr(i + 1, close - i - 1));
      i = close;
      continue;
    }
    if (c == '"') {
      size_t j = i + 1;
      for (; j < command.size() && command[j] != '"'; ++j) {
        if (command[j] == '\\' && j + 1 < command.size() &&
            (command[j + 1] == '"' || command[j + 1] == '\\' || command[j + 1] == '$' || command[j + 1] == '`')) {
          ++j;
        }
        word.push_back(command[j]);
      }
      if (j >= command.size()) return fail(ErrorKind::invalid, "unclosed \" in command");
      i = j;
      continue;
    }
    word.push_back(c);
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

Result<CredentialLookup> ProcessCredentials::load() {
  const std::string command = setting(m_files->profile(m_profile), "credential_process");
  if (command.empty()) return CredentialLookup::not_configured("profile '" + m_profile + "' has no credential_process");
  const std::string what = "credential_process of profile '" + m_profile + "'";
  auto argv = split_command_line(command);
  if (!argv) return fail(ErrorKind::invalid, what + ": " + argv.error().message);
  if (argv->empty()) return fail(ErrorKind::invalid, what + " is empty");
  ProcessSpec spec;
  spec.argv = *argv;
  spec.capture_output = true;
  spec.capture_stderr = false;
  spec.timeout = std::chrono::minutes(5);
  auto result = m_io.run_process ? m_io.run_process(spec) : run_process(spec);
  if (!result) return fail(ErrorKind::invalid, what + " could not start: " + result.error().message);
  if (result->timed_out) return fail(ErrorKind::timeout, what + " (" + (*argv)[0] + ") did not finish in 5 minutes");
  if (result->exit_code != 0) {
    return fail(ErrorKind::auth, what + " (" + (*argv)[0] + ") " +
                                     (result->signal ? "was killed by signal " + std::to_string(result->signal)
                                                     : "exited with status " + std::to_string(result->exit_code)));
  }
  nlohmann::json doc = nlohmann::json::parse(result->output, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return fail(ErrorKind::invalid, what + " did not print a JSON object");
  auto version = doc.find("Version");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() != 1)
    return fail(ErrorKind::invalid, what + " printed a document without \"Version\": 1");
  auto credentials = parse_credentials_json(result->output, what);
  if (!credentials) return fail(credentials.error());
  credentials->source = what;
  return CredentialLookup::found(std::move(*credentials));
}

}  // namespace lcd::aws
