#pragma once
// Files built into the binary by cmake/embed_files.cmake: a table of paths and bytes.
#include <cstddef>
#include <span>
#include <string_view>

namespace switchboard::app::assets {

struct file {
  std::string_view path;  // relative to the directory it came from: "js/app.0d7d7845.js"
  std::string_view bytes;
};

}  // namespace switchboard::app::assets
