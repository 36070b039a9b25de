#include "switchboard/http/types.hpp"

namespace switchboard::http {

response make_response(const request& req, boost::beast::http::status status, std::string body,
                       std::string_view content_type) {
  response res{status, req.version()};
  res.set(boost::beast::http::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace switchboard::http
