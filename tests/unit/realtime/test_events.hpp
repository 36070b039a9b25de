#pragma once
// A small catalogue for the realtime tests.
#include <boost/describe.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/realtime/event.hpp"

namespace test_events {

BOOST_DEFINE_ENUM_CLASS(Priority, low, high)

struct Author {
  std::string id;
  std::optional<std::string> nickname;
};
BOOST_DESCRIBE_STRUCT(Author, (), (id, nickname))

struct Note {
  std::string text;
  int votes = 0;
  double score = 0;
  bool pinned = false;
  Priority priority = Priority::low;
  Author author;
  std::vector<std::string> tags;
  std::map<std::string, int> counters;
  std::optional<std::int64_t> editedAt;
};
BOOST_DESCRIBE_STRUCT(Note, (), (text, votes, score, pinned, priority, author, tags, counters, editedAt))

struct NoteSaved {
  std::string id;
};
BOOST_DESCRIBE_STRUCT(NoteSaved, (), (id))

inline constexpr switchboard::realtime::server_event<Note> note_shared{"note:shared"};
inline constexpr switchboard::realtime::client_event<Note, NoteSaved> note_save{"note:save"};
inline constexpr switchboard::realtime::client_event<Author> typing{"note:typing"};
inline constexpr auto notes = switchboard::realtime::catalogue("notes", note_shared, note_save, typing);

}  // namespace test_events
