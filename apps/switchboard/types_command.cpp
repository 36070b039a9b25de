#include "types_command.hpp"

#include <fstream>
#include <iostream>

#include "chat/chat_events.hpp"
#include "switchboard/realtime/typescript.hpp"

namespace switchboard::app {

void add_types_command(CLI::App& app) {
  auto* types = app.add_subcommand("types", "write the TypeScript declarations (.d.ts) of the server's events");
  auto out = std::make_shared<std::string>();
  types->add_option("--out", *out, "file to write (default: standard output)");
  types->callback([out] {
    const std::string text = realtime::typescript_declarations(chat::events);
    if (out->empty()) {
      std::cout << text;
      return;
    }
    std::ofstream file(*out, std::ios::binary | std::ios::trunc);
    if (!(file << text) || !file.flush()) throw CLI::RuntimeError("cannot write " + *out, 1);
  });
}

}  // namespace switchboard::app
