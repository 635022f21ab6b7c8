// parse_type(): every form the server prints in system.columns.type /
// DESCRIBE TABLE, and the failures (unknown or malformed types name the type).
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "rowbinary/type.h"

namespace k2c {
namespace {

TypeNode parsed(std::string_view text) {
  auto r = parse_type(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : TypeNode{};
}

TEST(TypeParser, ParsesEverySimpleType) {
  const std::pair<const char*, TypeId> cases[] = {
      {"Int8", TypeId::Int8},         {"Int16", TypeId::Int16},     {"Int32", TypeId::Int32},
      {"Int64", TypeId::Int64},       {"Int128", TypeId::Int128},   {"Int256", TypeId::Int256},
      {"UInt8", TypeId::UInt8},       {"UInt16", TypeId::UInt16},   {"UInt32", TypeId::UInt32},
      {"UInt64", TypeId::UInt64},     {"UInt128", TypeId::UInt128}, {"UInt256", TypeId::UInt256},
      {"Float32", TypeId::Float32},   {"Float64", TypeId::Float64}, {"Bool", TypeId::Bool},
      {"String", TypeId::String},     {"Date", TypeId::Date},       {"Date32", TypeId::Date32},
      {"DateTime", TypeId::DateTime}, {"UUID", TypeId::UUID},       {"IPv4", TypeId::IPv4},
      {"IPv6", TypeId::IPv6},
  };
  for (const auto& [text, id] : cases) {
    TypeNode t = parsed(text);
    EXPECT_EQ(t.id, id) << text;
    EXPECT_EQ(t.text, text);
    EXPECT_TRUE(t.children.empty()) << text;
  }
}

TEST(TypeParser, ParsesNullableAndLowCardinalityWithOneChild) {
  TypeNode t = parsed("LowCardinality(Nullable(String))");
  EXPECT_EQ(t.id, TypeId::LowCardinality);
  ASSERT_EQ(t.children.size(), 1u);
  EXPECT_EQ(t.children[0].id, TypeId::Nullable);
  EXPECT_EQ(t.children[0].text, "Nullable(String)");
  ASSERT_EQ(t.children[0].children.size(), 1u);
  EXPECT_EQ(t.children[0].children[0].id, TypeId::String);
}

TEST(TypeParser, ParsesArrayAndMap) {
  TypeNode a = parsed("Array(UInt8)");
  EXPECT_EQ(a.id, TypeId::Array);
  ASSERT_EQ(a.children.size(), 1u);
  EXPECT_EQ(a.children[0].id, TypeId::UInt8);

  TypeNode m = parsed("Map(String, Array(Nullable(Int64)))");
  EXPECT_EQ(m.id, TypeId::Map);
  ASSERT_EQ(m.children.size(), 2u);
  EXPECT_EQ(m.children[0].id, TypeId::String);
  EXPECT_EQ(m.children[1].id, TypeId::Array);
  EXPECT_EQ(m.children[1].children[0].id, TypeId::Nullable);
  EXPECT_EQ(m.children[1].children[0].children[0].id, TypeId::Int64);
  EXPECT_EQ(m.text, "Map(String, Array(Nullable(Int64)))");
}

TEST(TypeParser, ParsesUnnamedTuple) {
  TypeNode t = parsed("Tuple(Int32, String, Nullable(Float64))");
  EXPECT_EQ(t.id, TypeId::Tuple);
  ASSERT_EQ(t.children.size(), 3u);
  EXPECT_TRUE(t.names.empty());
  EXPECT_EQ(t.children[2].id, TypeId::Nullable);
}

TEST(TypeParser, ParsesNamedTupleWithPlainAndBackquotedNames) {
  TypeNode t = parsed("Tuple(a Int32, `b c` String, `d\\`e` Nullable(UInt8), `f``g` Date)");
  ASSERT_EQ(t.children.size(), 4u);
  ASSERT_EQ(t.names.size(), 4u);
  EXPECT_EQ(t.names[0], "a");
  EXPECT_EQ(t.names[1], "b c");
  EXPECT_EQ(t.names[2], "d`e");
  EXPECT_EQ(t.names[3], "f`g");
  EXPECT_EQ(t.children[0].id, TypeId::Int32);
  EXPECT_EQ(t.children[1].id, TypeId::String);
  EXPECT_EQ(t.children[2].id, TypeId::Nullable);
  EXPECT_EQ(t.children[3].id, TypeId::Date);
}

TEST(TypeParser, ParsesTupleElementsNamedLikeTypes) {
  TypeNode t = parsed("Tuple(String String, Int8 Array(Int8))");
  ASSERT_EQ(t.names.size(), 2u);
  EXPECT_EQ(t.names[0], "String");
  EXPECT_EQ(t.names[1], "Int8");
  EXPECT_EQ(t.children[1].id, TypeId::Array);
}

TEST(TypeParser, RejectsMixedNamedAndUnnamedTupleElements) {
  EXPECT_FALSE(parse_type("Tuple(a Int32, String)").ok());
}

TEST(TypeParser, ChoosesDecimalWidthByPrecision) {
  struct {
    const char* text;
    TypeId id;
    int p, s;
  } cases[] = {
      {"Decimal(9, 2)", TypeId::Decimal32, 9, 2},
      {"Decimal(1, 0)", TypeId::Decimal32, 1, 0},
      {"Decimal(10, 2)", TypeId::Decimal64, 10, 2},
      {"Decimal(18, 18)", TypeId::Decimal64, 18, 18},
      {"Decimal(19, 0)", TypeId::Decimal128, 19, 0},
      {"Decimal(38, 10)", TypeId::Decimal128, 38, 10},
      {"Decimal(39, 5)", TypeId::Decimal256, 39, 5},
      {"Decimal(76, 76)", TypeId::Decimal256, 76, 76},
      {"Decimal(5)", TypeId::Decimal32, 5, 0},
      {"Decimal32(4)", TypeId::Decimal32, 9, 4},
      {"Decimal64(3)", TypeId::Decimal64, 18, 3},
      {"Decimal128(20)", TypeId::Decimal128, 38, 20},
      {"Decimal256(40)", TypeId::Decimal256, 76, 40},
      {"Decimal(12,3)", TypeId::Decimal64, 12, 3},
  };
  for (const auto& c : cases) {
    TypeNode t = parsed(c.text);
    EXPECT_EQ(t.id, c.id) << c.text;
    EXPECT_EQ(t.precision, c.p) << c.text;
    EXPECT_EQ(t.scale, c.s) << c.text;
  }
}

TEST(TypeParser, RejectsDecimalOutOfRange) {
  for (const char* text : {"Decimal(0, 0)", "Decimal(77, 0)", "Decimal(5, 6)", "Decimal(9, -1)",
                           "Decimal32(10)", "Decimal()", "Decimal(9, )", "Decimal(x)"}) {
    EXPECT_FALSE(parse_type(text).ok()) << text;
  }
}

TEST(TypeParser, ParsesDateTimeWithZone) {
  TypeNode t = parsed("DateTime('Europe/Berlin')");
  EXPECT_EQ(t.id, TypeId::DateTime);
  EXPECT_EQ(t.timezone, "Europe/Berlin");
  EXPECT_EQ(t.text, "DateTime('Europe/Berlin')");
}

TEST(TypeParser, ParsesDateTime64WithPrecisionAndZone) {
  TypeNode a = parsed("DateTime64(3)");
  EXPECT_EQ(a.id, TypeId::DateTime64);
  EXPECT_EQ(a.precision, 3);
  EXPECT_EQ(a.timezone, "");
  TypeNode b = parsed("DateTime64(6, 'UTC')");
  EXPECT_EQ(b.precision, 6);
  EXPECT_EQ(b.timezone, "UTC");
  EXPECT_EQ(parsed("DateTime64(0)").precision, 0);
  EXPECT_EQ(parsed("DateTime64(9, 'Asia/Kolkata')").precision, 9);
  EXPECT_FALSE(parse_type("DateTime64(10)").ok());
  EXPECT_FALSE(parse_type("DateTime64()").ok());
  EXPECT_FALSE(parse_type("DateTime64(3, UTC)").ok());
}

TEST(TypeParser, ParsesFixedString) {
  TypeNode t = parsed("FixedString(16)");
  EXPECT_EQ(t.id, TypeId::FixedString);
  EXPECT_EQ(t.size, 16u);
  EXPECT_FALSE(parse_type("FixedString(0)").ok());
  EXPECT_FALSE(parse_type("FixedString()").ok());
  EXPECT_FALSE(parse_type("FixedString(-1)").ok());
}

TEST(TypeParser, ParsesEnumNamesAndValues) {
  TypeNode t = parsed("Enum8('a' = 1, 'b' = -2)");
  EXPECT_EQ(t.id, TypeId::Enum8);
  ASSERT_EQ(t.enum_values.size(), 2u);
  EXPECT_EQ(t.enum_values[0], (std::pair<std::string, int16_t>{"a", 1}));
  EXPECT_EQ(t.enum_values[1], (std::pair<std::string, int16_t>{"b", -2}));

  TypeNode w = parsed("Enum16('x' = -32768, 'y' = 32767)");
  EXPECT_EQ(w.id, TypeId::Enum16);
  EXPECT_EQ(w.enum_values[0].second, -32768);
  EXPECT_EQ(w.enum_values[1].second, 32767);
}

TEST(TypeParser, UnescapesQuotedEnumNames) {
  // The server prints ' as \' and \ as \\ inside quoted names.
  TypeNode t = parsed(R"(Enum8('it\'s' = 1, 'back\\slash' = 2, 'a, b = c' = 3, '(x)' = 4))");
  ASSERT_EQ(t.enum_values.size(), 4u);
  EXPECT_EQ(t.enum_values[0].first, "it's");
  EXPECT_EQ(t.enum_values[1].first, "back\\slash");
  EXPECT_EQ(t.enum_values[2].first, "a, b = c");
  EXPECT_EQ(t.enum_values[3].first, "(x)");
}

TEST(TypeParser, RejectsEnumValuesOutOfRange) {
  EXPECT_FALSE(parse_type("Enum8('a' = 128)").ok());
  EXPECT_FALSE(parse_type("Enum8('a' = -129)").ok());
  EXPECT_FALSE(parse_type("Enum16('a' = 32768)").ok());
  EXPECT_FALSE(parse_type("Enum8('a')").ok());
  EXPECT_FALSE(parse_type("Enum8()").ok());
  EXPECT_FALSE(parse_type("Enum8('a = 1)").ok());
}

TEST(TypeParser, ParsesSimpleAggregateFunctionAsItsInnerType) {
  TypeNode t = parsed("SimpleAggregateFunction(anyLast, Nullable(String))");
  EXPECT_EQ(t.id, TypeId::Nullable);
  ASSERT_EQ(t.children.size(), 1u);
  EXPECT_EQ(t.children[0].id, TypeId::String);
  TypeNode q = parsed("SimpleAggregateFunction(quantile(0.5), Float64)");
  EXPECT_EQ(q.id, TypeId::Float64);
  TypeNode m = parsed("SimpleAggregateFunction(sumMap, Tuple(Array(Int32), Array(Int64)))");
  EXPECT_EQ(m.id, TypeId::Tuple);
  EXPECT_EQ(m.children.size(), 2u);
}

TEST(TypeParser, ParsesDeepNesting) {
  TypeNode t = parsed(
      "Array(Map(LowCardinality(String), Tuple(a Nullable(Decimal(18, 4)), "
      "b Array(Array(Enum16('x' = 1))), c Map(UInt64, Tuple(DateTime64(3, 'UTC'), UUID)))))");
  EXPECT_EQ(t.id, TypeId::Array);
  const TypeNode& map = t.children[0];
  EXPECT_EQ(map.id, TypeId::Map);
  EXPECT_EQ(map.children[0].id, TypeId::LowCardinality);
  const TypeNode& tuple = map.children[1];
  ASSERT_EQ(tuple.names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(tuple.children[0].children[0].id, TypeId::Decimal64);
  EXPECT_EQ(tuple.children[0].children[0].scale, 4);
  EXPECT_EQ(tuple.children[1].children[0].children[0].id, TypeId::Enum16);
  const TypeNode& inner = tuple.children[2].children[1];
  EXPECT_EQ(inner.id, TypeId::Tuple);
  EXPECT_EQ(inner.children[0].id, TypeId::DateTime64);
  EXPECT_EQ(inner.children[0].timezone, "UTC");
  EXPECT_EQ(inner.children[1].id, TypeId::UUID);
}

TEST(TypeParser, ToleratesWhitespaceAroundTokens) {
  TypeNode t = parsed("  Map( String ,  Array( Int8 ) )  ");
  EXPECT_EQ(t.id, TypeId::Map);
  EXPECT_EQ(t.children[1].children[0].id, TypeId::Int8);
}

TEST(TypeParser, ParsesJsonWithAndWithoutParameters) {
  for (const char* text :
       {"JSON", "JSON(max_dynamic_paths=8)",
        "JSON(max_dynamic_paths = 8, max_dynamic_types = 2, a.b UInt32, `c d` Array(String), "
        "SKIP x.y, SKIP REGEXP '^(z|w\\))')"}) {
    TypeNode t = parsed(text);
    EXPECT_EQ(t.id, TypeId::Json) << text;
    EXPECT_FALSE(t.legacy_object) << text;
    EXPECT_TRUE(contains_json(t)) << text;
    EXPECT_EQ(t.text, text);
  }
  TypeNode legacy = parsed("Object('json')");
  EXPECT_EQ(legacy.id, TypeId::Json);
  EXPECT_TRUE(legacy.legacy_object);
  EXPECT_FALSE(contains_json(legacy));
  EXPECT_TRUE(contains_json(parsed("Map(String, Array(JSON))")));
  EXPECT_FALSE(parse_type("JSON(a UInt32").ok());
}

TEST(TypeParser, ParsesVariantAndDynamic) {
  TypeNode v = parsed("Variant(Array(UInt8), String, UInt64)");
  EXPECT_EQ(v.id, TypeId::Variant);
  ASSERT_EQ(v.children.size(), 3u);
  EXPECT_EQ(v.children[0].id, TypeId::Array);
  EXPECT_EQ(v.children[2].id, TypeId::UInt64);
  EXPECT_EQ(parsed("Dynamic").id, TypeId::Dynamic);
  EXPECT_EQ(parsed("Dynamic(max_types=10)").id, TypeId::Dynamic);
  EXPECT_EQ(parsed("Array(Dynamic(max_types = 4))").children[0].id, TypeId::Dynamic);
}

TEST(TypeParser, RejectsUnknownTypesNamingThem) {
  for (const char* text : {"Point", "Nothing", "Nullable(Nothing)", "Json", "Variant()",
                           "AggregateFunction(uniq, UInt64)", "Int33", "string", "Array(Foo)"}) {
    auto r = parse_type(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().kind, ErrorKind::config) << text;
    EXPECT_NE(r.error().message.find(text), std::string::npos)
        << "message should name the type: " << r.error().message;
  }
}

TEST(TypeParser, RejectsMalformedText) {
  for (const char* text :
       {"", "   ", "Int32)", "Array(Int32", "Array()", "Map(String)", "Map(String, Int8, Int8)",
        "Tuple()", "Nullable(Int8, Int8)", "Int32 Int32", "(Int32)", "DateTime('UTC'",
        "DateTime(UTC)", "LowCardinality()", "Array(Int32))", "Decimal(", "Enum8(",
        "FixedString("}) {
    auto r = parse_type(text);
    EXPECT_FALSE(r.ok()) << "'" << text << "' parsed";
    if (!r.ok()) {
      EXPECT_NE(r.error().message.find("cannot parse ClickHouse type"), std::string::npos);
    }
  }
}

TEST(TypeParser, NeverReadsPastTheEndOfItsInput) {
  // Views over exactly-sized heap buffers: ASan catches any read past the end.
  for (const char* text : {"Decimal(", "Decimal(9,", "FixedString(", "Enum8('a' =", "DateTime64(",
                           "Enum8('a", "Tuple(`a", "SimpleAggregateFunction(f(", "Map(String,"}) {
    size_t n = std::strlen(text);
    auto buf = std::make_unique<char[]>(n);
    std::memcpy(buf.get(), text, n);
    EXPECT_FALSE(parse_type(std::string_view(buf.get(), n)).ok()) << text;
  }
}

TEST(TypeParser, RejectsPathologicalNestingWithoutExhaustingTheStack) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "Array(";
  deep += "Int8";
  deep.append(100000, ')');
  auto r = parse_type(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nested too deeply"), std::string::npos);

  std::string ok_depth;
  for (int i = 0; i < 50; ++i) ok_depth += "Array(";
  ok_depth += "Int8" + std::string(50, ')');
  EXPECT_TRUE(parse_type(ok_depth).ok());
}

}  // namespace
}  // namespace k2c
