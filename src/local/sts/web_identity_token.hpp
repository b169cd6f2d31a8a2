#pragma once
// The claims STS reads from a web identity token (an OpenID Connect ID token: a JWT). Locally the
// signature is not checked (no identity provider to fetch keys from); the token must still be a
// well-formed JWT: three base64url parts whose first two are JSON objects. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lcd::local::sts {

struct WebIdentityClaims {
  std::string issuer;    // "iss", e.g. "https://token.actions.githubusercontent.com"
  std::string subject;   // "sub"
  std::string audience;  // "aud" (the first one when it is a list), else "azp"
  std::optional<int64_t> expires_at;  // "exp", seconds since the epoch
};

// ErrorKind::invalid with a message saying what is wrong.
Result<WebIdentityClaims> parse_web_identity_token(std::string_view token);

// What a role's trust policy names as the Federated principal for `issuer`: the well-known
// providers by name (accounts.google.com, graph.facebook.com, www.amazon.com,
// cognito-identity.amazonaws.com), any other as arn:aws:iam::<account>:oidc-provider/<host/path>.
std::string federated_principal(std::string_view issuer, std::string_view account);

}  // namespace lcd::local::sts
