#pragma once
// A query-protocol request (CloudFormation, IAM, STS, CloudWatch for the AWS CLI): the form-encoded
// POST body (or, for GET, the query string) as named parameters, with the protocol's flattening of
// lists (`Name.member.N`) and structures (`Name.member.N.Field`, maps as `Name.entry.N.key/value`).

#include <map>
#include <string>
#include <vector>

#include "local/protocol/http_types.hpp"

namespace lcd::local {

class QueryRequest {
 public:
  // Body parameters first, then the URL's query string (clients put Action in either).
  explicit QueryRequest(const HttpRequest& request);

  const std::string& action() const { return m_action; }
  // The first value of `name`, or "" when absent.
  std::string get(const std::string& name) const;
  bool has(const std::string& name) const;
  // `name.member.1`, `name.member.2`, … up to the first gap. `member` may be another word
  // (CloudWatch's `Dimensions.member`, IAM's `TagKeys.member`).
  std::vector<std::string> list(const std::string& name, const std::string& member = "member") const;
  // `name.member.N.<field>` structures, up to the first N with no field.
  std::vector<std::map<std::string, std::string>> structs(const std::string& name,
                                                          const std::string& member = "member") const;
  // `name.entry.N.key` / `name.entry.N.value` pairs.
  std::map<std::string, std::string> map(const std::string& name, const std::string& entry = "entry",
                                         const std::string& key = "key", const std::string& value = "value") const;
  const QueryList& pairs() const { return m_pairs; }

 private:
  QueryList m_pairs;
  std::map<std::string, std::string> m_first;  // name -> first value
  std::string m_action;
};

}  // namespace lcd::local
