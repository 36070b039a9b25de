// make_arguments and the helpers that read binary arguments back.
#include "switchboard/sio/arguments.hpp"

#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

namespace switchboard::sio {
namespace {

struct order {
  int id;
  std::string state;
};
BOOST_DESCRIBE_STRUCT(order, (), (id, state))

TEST(make_arguments, takes_cpp_values_in_order_with_binaries_as_placeholders) {
  const std::string name = "three";
  const auto args = make_arguments(1, "two", name, binary{std::string("\x00\x01", 2)}, std::vector<int>{3, 4},
                                   std::map<std::string, bool>{{"ok", true}}, std::optional<int>(), order{7, "paid"},
                                   false, binary{"x"});
  EXPECT_EQ(boost::json::serialize(args.values),
            R"([1,"two","three",{"_placeholder":true,"num":0},[3,4],{"ok":true},null,{"id":7,"state":"paid"},false,)"
            R"({"_placeholder":true,"num":1}])");
  ASSERT_EQ(args.binaries.size(), 2u);
  EXPECT_EQ(args.binaries[0], std::string("\x00\x01", 2));
  EXPECT_EQ(args.binaries[1], "x");
}

TEST(make_arguments, is_binary_and_bytes_read_binary_arguments_back) {
  const auto args = make_arguments("text", binary{"abc"}, 5);
  EXPECT_FALSE(args.is_binary(0));
  EXPECT_TRUE(args.is_binary(1));
  EXPECT_FALSE(args.is_binary(2));
  EXPECT_FALSE(args.is_binary(3));  // no such argument
  EXPECT_EQ(args.bytes(1), "abc");
  EXPECT_THROW((void)args.bytes(0), std::out_of_range);
  EXPECT_THROW((void)args.bytes(3), std::out_of_range);
}

TEST(make_arguments, a_lookalike_placeholder_without_its_binary_is_not_binary) {
  arguments args;
  args.values.emplace_back(boost::json::object{{"_placeholder", true}, {"num", 0}});  // no binaries[0]
  args.values.emplace_back(boost::json::object{{"_placeholder", true}, {"num", -1}});
  EXPECT_FALSE(args.is_binary(0));
  EXPECT_FALSE(args.is_binary(1));
  EXPECT_THROW((void)args.bytes(0), std::out_of_range);
}

}  // namespace
}  // namespace switchboard::sio
