#pragma once
/// @file
/// Origin checks and the CORS headers of polling responses.
#include <optional>
#include <string_view>

#include "switchboard/engine/options.hpp"
#include "switchboard/http/types.hpp"

namespace switchboard::engine {

/// Whether a request with this Origin header (nullopt: none) may use the server, by
/// cors_options::origins and cors_options::allow_missing_origin alone.
bool origin_allowed(const cors_options& cors, std::optional<std::string_view> origin) noexcept;

/// Whether `req` may use the server: its Origin is allowed by `cors`, or is the server's own,
/// an Origin equal to the scheme://Host the request arrived with. The engine does not know
/// whether the connection is TLS, so http:// and https:// with the request's Host both count.
bool origin_allowed(const cors_options& cors, const http::request& req) noexcept;

/// Adds Access-Control-Allow-Origin (the request's own origin) and -Credentials, when it has one.
/// Only for requests that passed origin_allowed: a refusal reflects nothing.
void add_cors_headers(const http::request& req, http::response& res);

/// The answer to an OPTIONS preflight: 204 with the allowed methods and headers.
http::response preflight_response(const http::request& req);

}  // namespace switchboard::engine
