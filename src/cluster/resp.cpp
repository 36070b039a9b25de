#include "resp.hpp"

#include <hiredis/hiredis.h>

#include <array>
#include <new>

namespace switchboard::cluster::detail {
namespace {

redis_reply to_reply(const redisReply& r) {
  redis_reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING: out.type = redis_reply::kind::string; break;
    case REDIS_REPLY_STATUS: out.type = redis_reply::kind::status; break;
    case REDIS_REPLY_ERROR: out.type = redis_reply::kind::error; break;
    case REDIS_REPLY_INTEGER: out.type = redis_reply::kind::integer; break;
    case REDIS_REPLY_ARRAY: out.type = redis_reply::kind::array; break;
    default: return out;  // nil
  }
  if (r.str != nullptr) out.str.assign(r.str, r.len);
  out.integer = r.integer;
  out.elements.reserve(r.elements);
  for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(to_reply(*r.element[i]));
  return out;
}

}  // namespace

std::string format_command(const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<std::size_t> lengths;
  args.reserve(argv.size());
  lengths.reserve(argv.size());
  for (const auto& a : argv) {
    args.push_back(a.data());
    lengths.push_back(a.size());
  }
  char* raw = nullptr;
  const int size = redisFormatCommandArgv(&raw, static_cast<int>(args.size()), args.data(), lengths.data());
  if (size < 0) throw std::bad_alloc();
  std::string out(raw, static_cast<std::size_t>(size));
  redisFreeCommand(raw);
  return out;
}

reply_reader::reply_reader() : reader_(redisReaderCreate()) {
  if (reader_ == nullptr) throw std::bad_alloc();
}

reply_reader::~reply_reader() { redisReaderFree(reader_); }

void reply_reader::feed(std::string_view bytes) {
  if (redisReaderFeed(reader_, bytes.data(), bytes.size()) != REDIS_OK) throw std::bad_alloc();
}

reply_reader::status reply_reader::next(redis_reply& out) {
  void* raw = nullptr;
  if (redisReaderGetReply(reader_, &raw) != REDIS_OK) return status::error;
  if (raw == nullptr) return status::more;
  const std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw), freeReplyObject);
  out = to_reply(*reply);
  return status::reply;
}

std::string reply_reader::error() const { return reader_->errstr; }

bool as_push(const redis_reply& reply, push& out) {
  const auto& e = reply.elements;
  if (reply.type != redis_reply::kind::array || e.size() < 3 || e[0].type != redis_reply::kind::string) return false;
  const std::string_view kind = e[0].str;
  static constexpr std::array<std::string_view, 6> confirmations{"subscribe",   "psubscribe",   "ssubscribe",
                                                                 "unsubscribe", "punsubscribe", "sunsubscribe"};
  out = {};
  out.kind = kind;
  if ((kind == "message" || kind == "smessage") && e.size() == 3) {
    out.channel = e[1].str;
    out.payload = e[2].str;
    return true;
  }
  if (kind == "pmessage" && e.size() == 4) {
    out.pattern = e[1].str;
    out.channel = e[2].str;
    out.payload = e[3].str;
    return true;
  }
  for (const auto c : confirmations) {
    if (kind == c && e.size() == 3) {
      out.channel = e[1].str;
      return true;
    }
  }
  return false;
}

}  // namespace switchboard::cluster::detail
