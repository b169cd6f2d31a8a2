#pragma once
// Lambda JSON bodies <-> typed shapes. Pure functions: bytes in, Result out.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "clients/lambda_types.hpp"
#include "util/result.hpp"

namespace lcd::clients {

template <class T>
struct Page {
  std::vector<T> items;
  std::string next_marker;  // empty on the last page
};

Result<FunctionConfiguration> parse_function_configuration(std::string_view body);
Result<FunctionInfo> parse_get_function(std::string_view body);
Result<AliasConfiguration> parse_alias_configuration(std::string_view body);
Result<Page<FunctionConfiguration>> parse_versions_page(std::string_view body);
Result<Page<AliasConfiguration>> parse_aliases_page(std::string_view body);
Result<std::map<std::string, std::string>> parse_tags(std::string_view body);
Result<AccountSettings> parse_account_settings(std::string_view body);

std::string build_create_function_body(const CreateFunctionRequest& request);
std::string build_update_function_code_body(const UpdateFunctionCodeRequest& request);
std::string build_update_function_configuration_body(const UpdateFunctionConfigurationRequest& request);
std::string build_publish_version_body(const PublishVersionRequest& request);
std::string build_create_alias_body(const CreateAliasRequest& request);
std::string build_update_alias_body(const UpdateAliasRequest& request);
std::string build_tag_resource_body(const std::map<std::string, std::string>& tags);

}  // namespace lcd::clients
