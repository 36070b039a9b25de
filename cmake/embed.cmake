# cmake -DINPUT=file -DOUTPUT=file.cpp -DSYMBOL=name -P embed.cmake: the file's bytes as a
# std::string_view switchboard::app::assets::<name>, so that the binary carries its web assets.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}" "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n\nnamespace switchboard::app::assets {\nnamespace {\nconst unsigned char bytes[] = {${bytes}};\n}\nextern const std::string_view ${SYMBOL}(reinterpret_cast<const char*>(bytes), sizeof bytes);\n}  // namespace switchboard::app::assets\n")
