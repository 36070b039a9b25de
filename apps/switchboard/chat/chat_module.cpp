#include "chat/chat_module.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <list>
#include <optional>
#include <string>

#include "chat/chat_error.hpp"
#include "chat/chat_events.hpp"
#include "chat/chat_text.hpp"
#include "switchboard/auth/guard.hpp"

namespace switchboard::chat {
namespace {

namespace asio = boost::asio;

rt::refusal refusal_of(std::error_code ec) { return {std::string(code_name(ec)), ec.message()}; }

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Lets a user into chat:<roomId> when the store lists them as a member.
rt::authorize_fn member_check(asio::any_io_executor workers, std::shared_ptr<chat_store> store) {
  return [workers, store](const std::string& user_id, const std::string& room_id,
                          std::function<void(std::optional<rt::refusal>)> done) {
    asio::post(workers, [store, user_id, room_id, done = std::move(done)] {
      const auto ec = store->check_member(room_id, user_id);
      done(ec ? std::optional(refusal_of(ec)) : std::nullopt);
    });
  };
}

// One socket's messages on their way to the store, stored one at a time so that they keep the
// order the socket sent them in. Touched on the socket's shard only.
struct outbox {
  struct entry {
    ChatMessage message;
    rt::ack<ChatSent> answer;
  };
  // The first is being stored. A list holds nothing while empty (a deque keeps 576 B per socket).
  std::list<entry> waiting;
};

// Stores each message, then acknowledges it and broadcasts it to its room: an acknowledged
// message is never lost. send() runs on the socket's shard, the store call on the workers.
class sender : public std::enable_shared_from_this<sender> {
 public:
  sender(asio::any_io_executor workers, std::shared_ptr<chat_store> store, rt::module_rooms rooms, chat_options opts)
      : workers_(std::move(workers)), store_(std::move(store)), rooms_(std::move(rooms)), opts_(opts) {}

  void send(sio::socket& s, const ChatSend& request, rt::ack<ChatSent> answer,
            const std::shared_ptr<outbox>& box) const {
    if (const auto ec = check_text(request.text, opts_.max_text)) return answer.fail(refusal_of(ec));
    auto user = auth::user_id_of(s);
    if (!user) return answer.fail(rt::refusal{"unauthenticated", "sending needs an authenticated connection"});
    if (box->waiting.size() >= opts_.max_pending) return answer.fail(refusal_of(errc::too_many_pending));
    box->waiting.push_back({ChatMessage{.roomId = request.roomId, .from = std::move(*user), .text = request.text},
                            std::move(answer)});
    if (box->waiting.size() == 1) store_first(s.shared_from_this(), box);
  }

 private:
  void store_first(sio::socket_ptr socket, std::shared_ptr<outbox> box) const {
    ChatMessage message = box->waiting.front().message;
    asio::post(workers_, [self = shared_from_this(), socket = std::move(socket), box = std::move(box),
                          message = std::move(message)]() mutable {
      message.sentAt = now_ms();
      const auto ec = self->store_->append_message(message.roomId, message.from, message.text, message.sentAt,
                                                   message.messageId);
      auto executor = socket->executor();
      asio::dispatch(executor, [self = std::move(self), socket = std::move(socket), box = std::move(box), ec,
                                message = std::move(message)]() mutable {
        const rt::ack<ChatSent> answer = std::move(box->waiting.front().answer);
        box->waiting.pop_front();
        if (!box->waiting.empty()) self->store_first(socket, box);
        if (ec) return answer.fail(refusal_of(ec));
        answer(ChatSent{.messageId = message.messageId});
        // A failed emit is logged by the emitter; the message is stored and can be fetched.
        (void)rt::current().emit(chat::message, rt::to_rooms{{self->rooms_.room(message.roomId)}}, message);
      });
    });
  }

  asio::any_io_executor workers_;
  std::shared_ptr<chat_store> store_;
  rt::module_rooms rooms_;
  chat_options opts_;
};

}  // namespace

void install(rt::server& server, std::shared_ptr<chat_store> store, chat_options opts) {
  const auto rooms = server.rooms("chat:", member_check(server.workers(), store), join, leave);

  auto messages = std::make_shared<sender>(server.workers(), std::move(store), rooms, opts);
  // Not server.on(): each socket gets its own outbox.
  server.on_connection([messages](sio::socket& s) {
    auto box = std::make_shared<outbox>();
    rt::on(s, send, [messages, box](sio::socket& s, const ChatSend& request, rt::ack<ChatSent> answer) {
      messages->send(s, request, std::move(answer), box);
    });
  });

  server.on(typing, [rooms](sio::socket& s, const ChatTyping& request) {
    const auto user = auth::user_id_of(s);
    const std::string room = rooms.room(request.roomId);
    // Only a socket let into the room tells it who types; never echoed to the typist's socket.
    if (!user || !s.rooms().contains(room)) return;
    (void)rt::current().emit(typing_notice, rt::to_rooms{{room}},
                             ChatTypingNotice{.roomId = request.roomId, .userId = *user},
                             {.except_rooms = {s.id()}, .is_volatile = true});
  });
}

}  // namespace switchboard::chat
