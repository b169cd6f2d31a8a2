#include "local/runtime/runtime_api_request.hpp"

#include <http_parser.h>

#include <climits>

#include "util/strings.hpp"

namespace lcd::local::runtime {

std::string RuntimeApiRequest::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

struct RuntimeApiRequestParser::State {
  http_parser parser{};
  http_parser_settings settings{};
  size_t max_body = 0;
  RuntimeApiRequest current;
  std::string field;
  std::string value;
  bool in_value = false;
  bool body_too_large = false;
  bool continue_pending = false;
  std::vector<RuntimeApiRequest>* out = nullptr;

  void commit_header() {
    if (!field.empty()) {
      std::string& slot = current.headers[to_lower(field)];
      slot = slot.empty() ? value : slot + ", " + value;
    }
    field.clear();
    value.clear();
    in_value = false;
  }
};

namespace {

using State = RuntimeApiRequestParser::State;

State& state_of(http_parser* p) { return *static_cast<State*>(p->data); }

int on_message_begin(http_parser* p) {
  State& s = state_of(p);
  s.current = RuntimeApiRequest{};
  s.field.clear();
  s.value.clear();
  s.in_value = false;
  return 0;
}

int on_url(http_parser* p, const char* at, size_t length) {
  state_of(p).current.target.append(at, length);
  return 0;
}

int on_header_field(http_parser* p, const char* at, size_t length) {
  State& s = state_of(p);
  if (s.in_value) s.commit_header();
  s.field.append(at, length);
  return 0;
}

int on_header_value(http_parser* p, const char* at, size_t length) {
  State& s = state_of(p);
  s.in_value = true;
  s.value.append(at, length);
  return 0;
}

int on_headers_complete(http_parser* p) {
  State& s = state_of(p);
  s.commit_header();
  s.current.method = http_method_str(static_cast<http_method>(p->method));
  s.current.keep_alive = http_should_keep_alive(p) != 0;
  const bool has_body = (p->flags & F_CHUNKED) != 0 || (p->content_length > 0 && p->content_length != ULLONG_MAX);
  if (has_body && to_lower(s.current.header("expect")) == "100-continue") s.continue_pending = true;
  if (p->content_length != ULLONG_MAX && p->content_length > s.max_body) {
    s.body_too_large = true;
    return -1;  // 1 and 2 mean "no body" here, any other value is an error
  }
  return 0;
}

int on_body(http_parser* p, const char* at, size_t length) {
  State& s = state_of(p);
  s.continue_pending = false;
  if (s.current.body.size() + length > s.max_body) {
    s.body_too_large = true;
    return 1;
  }
  s.current.body.append(at, length);
  return 0;
}

int on_message_complete(http_parser* p) {
  State& s = state_of(p);
  s.continue_pending = false;
  s.out->push_back(std::move(s.current));
  s.current = RuntimeApiRequest{};
  return 0;
}

}  // namespace

RuntimeApiRequestParser::RuntimeApiRequestParser(size_t max_body_bytes) : m_state(std::make_unique<State>()) {
  http_parser_init(&m_state->parser, HTTP_REQUEST);
  m_state->parser.data = m_state.get();
  m_state->max_body = max_body_bytes;
  http_parser_settings& cb = m_state->settings;
  http_parser_settings_init(&cb);
  cb.on_message_begin = on_message_begin;
  cb.on_url = on_url;
  cb.on_header_field = on_header_field;
  cb.on_header_value = on_header_value;
  cb.on_headers_complete = on_headers_complete;
  cb.on_body = on_body;
  cb.on_message_complete = on_message_complete;
}

RuntimeApiRequestParser::~RuntimeApiRequestParser() = default;

Result<void> RuntimeApiRequestParser::feed(std::string_view bytes, std::vector<RuntimeApiRequest>& out) {
  State& s = *m_state;
  if (HTTP_PARSER_ERRNO(&s.parser) != HPE_OK) return fail(ErrorKind::invalid, "connection already failed");
  if (bytes.empty()) return {};
  s.out = &out;
  size_t parsed = http_parser_execute(&s.parser, &s.settings, bytes.data(), bytes.size());
  s.out = nullptr;
  auto err = HTTP_PARSER_ERRNO(&s.parser);
  if (err == HPE_OK && parsed == bytes.size()) return {};
  Error e;
  e.kind = ErrorKind::invalid;
  if (s.body_too_large) {
    e.http_status = 413;
    e.message = "request body over " + std::to_string(s.max_body) + " bytes";
  } else {
    e.http_status = 400;
    e.message = std::string("malformed HTTP request: ") + http_errno_description(err);
  }
  return fail(std::move(e));
}

bool RuntimeApiRequestParser::take_continue_request() {
  bool pending = m_state->continue_pending;
  m_state->continue_pending = false;
  return pending;
}

}  // namespace lcd::local::runtime
