// The only file that includes curl.
#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>
#include <vector>

#include "aws/body_source.hpp"
#include "aws/transport.hpp"
#include "util/strings.hpp"

namespace lcd::aws {
namespace {

struct GlobalInit {
  GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

struct Exchange {
  HttpResponse response;
  BodySource* source = nullptr;
  std::string_view body;  // when no source
  size_t body_offset = 0;
  std::optional<Error> read_error;
};

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  exchange->response.body.append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  if (starts_with(line, "HTTP/")) {
    exchange->response.headers.clear();  // a new response (after 100-continue or a redirect)
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    exchange->response.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                            std::string(trim(line.substr(colon + 1))));
  }
  return size * count;
}

size_t on_read(char* out, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  size_t capacity = size * count;
  if (exchange->source) {
    auto n = exchange->source->read(out, capacity);
    if (!n) {
      exchange->read_error = n.error();
      return CURL_READFUNC_ABORT;
    }
    return *n;
  }
  size_t n = std::min(capacity, exchange->body.size() - exchange->body_offset);
  std::memcpy(out, exchange->body.data() + exchange->body_offset, n);
  exchange->body_offset += n;
  return n;
}

int on_seek(void* user, curl_off_t offset, int origin) {
  auto* exchange = static_cast<Exchange*>(user);
  if (origin != SEEK_SET || offset != 0) return CURL_SEEKFUNC_CANTSEEK;
  if (exchange->source) return exchange->source->rewind() ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
  exchange->body_offset = 0;
  return CURL_SEEKFUNC_OK;
}

ErrorKind kind_of(CURLcode code) {
  return code == CURLE_OPERATION_TIMEDOUT ? ErrorKind::timeout : ErrorKind::network;
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(const TransportOptions& options) : m_options(options) {
    static GlobalInit init;
  }
  ~CurlTransport() override {
    for (CURL* handle : m_idle) curl_easy_cleanup(handle);
  }

  Result<HttpResponse> send(const HttpRequest& request) override {
    CURL* handle = acquire();
    if (!handle) return fail(ErrorKind::internal, "curl_easy_init failed");
    auto result = perform(handle, request);
    release(handle);
    return result;
  }

 private:
  CURL* acquire() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      if (!m_idle.empty()) {
        CURL* handle = m_idle.back();
        m_idle.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }

  void release(CURL* handle) {
    curl_easy_reset(handle);  // keeps the connection cache
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_idle.size() < m_options.max_idle_handles) {
      m_idle.push_back(handle);
      return;
    }
    curl_easy_cleanup(handle);
  }

  Result<HttpResponse> perform(CURL* handle, const HttpRequest& request) {
    Exchange exchange;
    curl_slist* header_list = nullptr;
    bool has_content_type = false;
    for (const auto& [name, value] : request.headers) {
      if (iequals(name, "content-length") || iequals(name, "transfer-encoding")) continue;  // curl sets them
      if (iequals(name, "content-type")) has_content_type = true;
      std::string line = name + (value.empty() ? ";" : ": " + value);
      header_list = curl_slist_append(header_list, line.c_str());
    }
    // Keep curl from adding headers that were not signed or asked for.
    header_list = curl_slist_append(header_list, "Expect:");
    header_list = curl_slist_append(header_list, "Accept:");
    if (!has_content_type) header_list = curl_slist_append(header_list, "Content-Type:");

    curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.total_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &exchange);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &exchange);
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, nullptr);

    const bool has_body = request.body_source || !request.body.empty();
    curl_off_t length = 0;
    if (request.body_source) {
      exchange.source = request.body_source.get();
      if (auto r = exchange.source->rewind(); !r) {
        curl_slist_free_all(header_list);
        return fail(r.error());
      }
      length = static_cast<curl_off_t>(exchange.source->size());
    } else {
      exchange.body = request.body;
      length = static_cast<curl_off_t>(request.body.size());
    }

    if (request.method == "HEAD") {
      curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (request.method == "GET" && !has_body) {
      curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else {
      // Upload mode streams through the read callback for every method with a body (or none).
      curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, length);
      curl_easy_setopt(handle, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(handle, CURLOPT_READDATA, &exchange);
      curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, on_seek);
      curl_easy_setopt(handle, CURLOPT_SEEKDATA, &exchange);
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    char error_buffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    CURLcode code = curl_easy_perform(handle);
    curl_slist_free_all(header_list);
    if (exchange.read_error) return fail(*exchange.read_error);
    if (code != CURLE_OK) {
      std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
      Error error{kind_of(code), request.method + " " + strip_query(request.url) + ": " + detail};
      error.unreachable = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                          code == CURLE_COULDNT_RESOLVE_PROXY;
      return fail(std::move(error));
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    exchange.response.status = static_cast<int>(status);
    return std::move(exchange.response);
  }

  // Presigned URLs carry credentials in the query; errors never show it.
  static std::string strip_query(const std::string& url) { return url.substr(0, url.find('?')); }

  TransportOptions m_options;
  std::mutex m_mutex;
  std::vector<CURL*> m_idle;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace lcd::aws
