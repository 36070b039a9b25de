#include "admin_command.hpp"

#include <iostream>
#include <string>

#include "switchboard/admin/instrument.hpp"

namespace switchboard::app {

void add_admin_command(CLI::App& app) {
  auto* admin = app.add_subcommand("admin", "the Admin UI");
  admin->require_subcommand(1);
  auto* hash = admin->add_subcommand("hash-password", "print a bcrypt hash of the password read from standard input");
  auto cost = std::make_shared<int>(12);
  hash->add_option("--cost", *cost, "bcrypt cost (4 to 31)")->check(CLI::Range(4, 31))->capture_default_str();
  hash->callback([cost] {
    std::string password;
    std::getline(std::cin, password);  // one line: the newline is not part of it
    if (password.empty()) throw CLI::ValidationError("password", "give the password on standard input");
    try {
      std::cout << admin::bcrypt_hash(password, *cost) << "\n";
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError("password", e.what());
    }
  });
}

}  // namespace switchboard::app
