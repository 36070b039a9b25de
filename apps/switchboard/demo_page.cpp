#include "demo_page.hpp"

#include "routes.hpp"

namespace switchboard::app {

namespace assets {
extern const std::string_view demo_page;
extern const std::string_view socketio_bundle;
}  // namespace assets

std::shared_ptr<http::route> make_demo_route(std::string demo_token) {
  std::string page(assets::demo_page);
  constexpr std::string_view placeholder = "{{DEMO_TOKEN}}";
  page.replace(page.find(placeholder), placeholder.size(), demo_token);  // a JWT needs no escaping
  return std::make_shared<function_route>([page = std::move(page)](http::exchange_ptr ex) {
    namespace beast_http = boost::beast::http;
    const std::string_view target = ex->req().target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (ex->req().method() != beast_http::verb::get && ex->req().method() != beast_http::verb::head) {
      return ex->respond(json_error(ex->req(), beast_http::status::method_not_allowed, "method_not_allowed", "use GET"));
    }
    if (path == "/" || path == "/index.html") {
      auto res = http::make_response(ex->req(), beast_http::status::ok, page, "text/html; charset=utf-8");
      res.set(beast_http::field::cache_control, "no-store");  // it may carry a token
      stamp(ex->req(), res);
      return ex->respond(std::move(res));
    }
    if (path == "/socket.io.min.js") {
      auto res = http::make_response(ex->req(), beast_http::status::ok, std::string(assets::socketio_bundle),
                                     "application/javascript; charset=utf-8");
      res.set(beast_http::field::cache_control, "public, max-age=3600");
      stamp(ex->req(), res);
      return ex->respond(std::move(res));
    }
    ex->respond(json_error(ex->req(), beast_http::status::not_found, "not_found", "no such page"));
  });
}

}  // namespace switchboard::app
