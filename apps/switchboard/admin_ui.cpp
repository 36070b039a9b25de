#include "admin_ui.hpp"

#include <unordered_map>

#include "embedded_files.hpp"
#include "routes.hpp"

namespace switchboard::app {

namespace assets {
extern const std::span<const file> admin_ui;      // ui/dist of @socket.io/admin-ui, without source maps
extern const std::span<const file> admin_fonts;   // @mdi/font's CSS and woff2, Roboto's latin woff2s
}  // namespace assets

namespace {

namespace beast_http = boost::beast::http;

// Roboto in the weights the bundle asks Google Fonts for, from the files built in.
std::string roboto_css() {
  std::string css;
  for (const char* weight : {"100", "300", "400", "500", "700", "900"}) {
    css += "@font-face{font-family:Roboto;font-style:normal;font-display:swap;font-weight:";
    css += weight;
    css += ";src:url(roboto-latin-";
    css += weight;
    css += "-normal.woff2) format(\"woff2\")}\n";
  }
  return css;
}

void replace(std::string& text, std::string_view from, std::string_view to) {
  if (const auto at = text.find(from); at != std::string::npos) text.replace(at, from.size(), to);
}

// The bundle's page, its two third-party stylesheets served from here instead.
std::string index_page(const std::string& original, const admin_ui_options& options) {
  std::string page = original;
  replace(page, "https://fonts.googleapis.com/css?family=Roboto:100,300,400,500,700,900", "fonts/roboto.css");
  replace(page, "https://cdn.jsdelivr.net/npm/@mdi/font@latest/css/materialdesignicons.min.css",
          "mdi/css/materialdesignicons.min.css");
  if (!options.login_required) {
    // The UI connects to the server it remembers: this one, unless the user chose another.
    replace(page, "</head>",
            "<script>if(!localStorage.getItem(\"server_url\")){localStorage.setItem(\"server_url\",location.origin);"
            "localStorage.setItem(\"namespace\",\"" + options.admin_namespace + "\")}</script></head>");
  }
  return page;
}

std::string_view content_type(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js") return "application/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "png") return "image/png";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "woff2") return "font/woff2";
  return "application/octet-stream";
}

struct page {
  std::string bytes;
  std::string_view type;
  bool immutable;  // a name that changes with its content
};

std::unordered_map<std::string, page> admin_pages(const admin_ui_options& options) {
  std::unordered_map<std::string, page> pages;
  for (const auto& f : assets::admin_ui) {
    const bool hashed = f.path.starts_with("js/") || f.path.starts_with("css/") || f.path.starts_with("img/");
    pages[std::string(f.path)] = {std::string(f.bytes), content_type(f.path), hashed};
  }
  pages["index.html"].bytes = index_page(pages["index.html"].bytes, options);
  for (const auto& f : assets::admin_fonts) {
    const std::string_view name = f.path.substr(f.path.rfind('/') + 1);
    const std::string path = name.starts_with("roboto") ? "fonts/" + std::string(name)
                             : name.ends_with(".css")     ? "mdi/css/" + std::string(name)
                                                          : "mdi/fonts/" + std::string(name);
    pages[path] = {std::string(f.bytes), content_type(path), false};
  }
  pages["fonts/roboto.css"] = {roboto_css(), "text/css; charset=utf-8", false};
  return pages;
}

}  // namespace

std::shared_ptr<http::route> make_admin_ui_route(const admin_ui_options& options) {
  return std::make_shared<function_route>([pages = admin_pages(options)](http::exchange_ptr ex) {
    const auto& req = ex->req();
    if (req.method() != beast_http::verb::get && req.method() != beast_http::verb::head) {
      return ex->respond(json_error(req, beast_http::status::method_not_allowed, "method_not_allowed", "use GET"));
    }
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/admin") {  // the bundle's relative paths need the slash
      auto res = http::make_response(req, beast_http::status::moved_permanently, "");
      res.set(beast_http::field::location, "/admin/");
      stamp(req, res);
      return ex->respond(std::move(res));
    }
    if (!path.starts_with("/admin/")) return ex->respond(json_error(req, beast_http::status::not_found, "not_found", "no such page"));
    std::string name(path.substr(std::string_view("/admin/").size()));
    if (name.empty()) name = "index.html";
    const auto it = pages.find(name);
    if (it == pages.end()) return ex->respond(json_error(req, beast_http::status::not_found, "not_found", "no such page"));
    auto res = http::make_response(req, beast_http::status::ok, it->second.bytes, it->second.type);
    res.set(beast_http::field::cache_control, it->second.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    stamp(req, res);
    ex->respond(std::move(res));
  });
}

}  // namespace switchboard::app
