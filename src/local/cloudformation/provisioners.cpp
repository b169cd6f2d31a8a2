#include "local/cloudformation/provisioners.hpp"

#include "util/crypto.hpp"
#include "util/encoding.hpp"

namespace lcd::local::cloudformation {

LambdaReply LambdaApiProvisioner::call(const LambdaCall& call) {
  HttpRequest request;
  request.method = call.method;
  request.raw_path = call.path;
  auto decoded = uri_decode(call.path);
  request.path = decoded ? *decoded : call.path;
  request.raw_query = call.query;
  request.query = parse_query_string(call.query);
  request.headers = {{"Content-Type", "application/json"}, {"Host", "localhost"}};
  request.body = call.body;
  request.remote_addr = "127.0.0.1";
  RequestContext context;
  context.region = call.region;
  context.account_id = call.account_id;
  context.request_id = random_uuid();
  context.host = "localhost";
  HttpResponse response = m_api.handle(request, context);
  return {response.status, response.body};
}

}  // namespace lcd::local::cloudformation
