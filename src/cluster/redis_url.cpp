// redis://[[user]:password@]host[:port][/db], as Node's redis clients read it.
#include <boost/url/parse.hpp>
#include <charconv>
#include <stdexcept>

#include "switchboard/cluster/redis_connection.hpp"

namespace switchboard::cluster {
namespace {

// The URL is not part of the message: it may hold a password.
[[noreturn]] void invalid(std::string_view why) { throw std::invalid_argument("invalid Redis URL: " + std::string(why)); }

int parse_db(std::string_view path) {
  if (path.size() <= 1) return 0;  // "" or "/"
  int db = -1;
  const auto [end, ec] = std::from_chars(path.data() + 1, path.data() + path.size(), db);
  if (ec != std::errc() || end != path.data() + path.size() || db < 0) {
    invalid("the path must be a database number");
  }
  return db;
}

}  // namespace

redis_endpoint parse_redis_url(std::string_view url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) invalid("expected redis://[[user]:password@]host[:port][/db]");
  if (parsed->scheme() != "redis") invalid("the scheme must be redis:// (TLS is not supported)");
  redis_endpoint endpoint;
  if (!parsed->host_address().empty()) endpoint.host = parsed->host_address();
  if (parsed->has_port()) {
    if (parsed->port_number() == 0) invalid("the port must be 1 to 65535");
    endpoint.port = parsed->port_number();
  }
  if (parsed->has_userinfo()) {
    endpoint.username = parsed->user();
    endpoint.password = parsed->password();
  }
  endpoint.db = parse_db(parsed->encoded_path());
  if (parsed->has_query() || parsed->has_fragment()) invalid("no query or fragment is accepted");
  return endpoint;
}

}  // namespace switchboard::cluster
