// The settings of an INSERT (app/insert_settings.h): JSON tables, async
// inserts and CLICKHOUSE_SETTINGS against what a server lists.
#include "app/insert_settings.h"

#include <gtest/gtest.h>

namespace k2c {
namespace {

Config config(EnvMap extra = {}) {
  EnvMap env = {{"CLICKHOUSE_URL", "http://127.0.0.1:1"},
                {"ROUTES_TABLE", "routes"},
                {"AWS_REGION", "eu-west-1"},
                {"AWS_ACCESS_KEY_ID", "AKID"},
                {"AWS_SECRET_ACCESS_KEY", "secret"}};
  for (auto& [k, v] : extra) env[k] = v;
  auto c = Config::from_env(env);
  EXPECT_TRUE(c.ok()) << c.error().message;
  return std::move(c).value();
}

TablePlan plan(const std::vector<ColumnInfo>& columns) {
  auto p = TablePlan::build(columns);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return std::move(p).value();
}

const std::set<std::string> kModern = {"input_format_binary_read_json_as_string", "async_insert",
                                       "wait_for_async_insert", "async_insert_deduplicate",
                                       "max_insert_block_size"};

TEST(InsertSettings, PlainTableOnDefaultConfigurationGetsNone) {
  Settings s;
  TablePlan p = plan({{"id", "UInt32", "", ""}});
  ASSERT_TRUE(add_insert_settings(config(), kModern, &p, "db.t", s).ok());
  EXPECT_TRUE(s.empty());
}

TEST(InsertSettings, JsonTableReadsJsonAsText) {
  Settings s;
  TablePlan p = plan({{"id", "UInt32", "", ""}, {"doc", "JSON", "", ""}});
  ASSERT_TRUE(add_insert_settings(config(), kModern, &p, "db.t", s).ok());
  EXPECT_EQ(s, (Settings{{"input_format_binary_read_json_as_string", "1"}}));
}

TEST(InsertSettings, JsonTableIsRefusedByAServerWithoutTheSetting) {
  Settings s;
  TablePlan p = plan({{"doc", "JSON(max_dynamic_paths=2)", "", ""}});
  auto st = add_insert_settings(config(), {"async_insert"}, &p, "db.t", s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::permanent);
  for (const char* part :
       {"db.t", "`doc`", "JSON(max_dynamic_paths=2)", "input_format_binary_read_json_as_string"})
    EXPECT_NE(st.error().message.find(part), std::string::npos)
        << part << ": " << st.error().message;
}

TEST(InsertSettings, LegacyObjectJsonNeedsNoSetting) {
  Settings s;
  TablePlan p = plan({{"doc", "Object('json')", "", ""}});
  ASSERT_TRUE(add_insert_settings(config(), {}, &p, "db.t", s).ok());
  EXPECT_TRUE(s.empty());
}

TEST(InsertSettings, AsyncInsertsAlwaysWaitAndDeduplicateWhereTheServerCan) {
  Settings s;
  ASSERT_TRUE(
      add_insert_settings(config({{"CLICKHOUSE_ASYNC_INSERT", "1"}}), kModern, nullptr, "dl", s)
          .ok());
  EXPECT_EQ(s, (Settings{{"async_insert", "1"},
                         {"wait_for_async_insert", "1"},
                         {"async_insert_deduplicate", "1"}}));
  s.clear();
  ASSERT_TRUE(add_insert_settings(config({{"CLICKHOUSE_ASYNC_INSERT", "1"}}),
                                  {"async_insert", "wait_for_async_insert"}, nullptr, "dl", s)
                  .ok());
  EXPECT_EQ(s, (Settings{{"async_insert", "1"}, {"wait_for_async_insert", "1"}}));
}

TEST(InsertSettings, AsyncInsertsOnAServerWithoutThemAreRefused) {
  Settings s;
  auto st = add_insert_settings(config({{"CLICKHOUSE_ASYNC_INSERT", "1"}}), {}, nullptr, "dl", s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::permanent);
  EXPECT_NE(st.error().message.find("CLICKHOUSE_ASYNC_INSERT"), std::string::npos);
}

TEST(InsertSettings, ConfiguredSettingsFollowInTheirOrder) {
  Settings s;
  const Config c = config({{"CLICKHOUSE_SETTINGS", "max_insert_block_size=10"}});
  ASSERT_TRUE(add_insert_settings(c, kModern, nullptr, "dl", s).ok());
  EXPECT_EQ(s, (Settings{{"max_insert_block_size", "10"}}));
  EXPECT_EQ(settings_to_look_up(c).back(), "max_insert_block_size");
}

TEST(InsertSettings, ASettingTheServerLacksNamesTheVariable) {
  const Config c = config({{"CLICKHOUSE_SETTINGS", "max_insert_block_size=10,no_such=1"}});
  auto init = check_configured_settings(c, kModern);
  ASSERT_FALSE(init.ok());
  EXPECT_EQ(init.error().kind, ErrorKind::config);
  EXPECT_NE(init.error().message.find("CLICKHOUSE_SETTINGS"), std::string::npos);
  EXPECT_NE(init.error().message.find("no_such"), std::string::npos);
  Settings s;
  auto at_insert = add_insert_settings(c, kModern, nullptr, "dl", s);
  ASSERT_FALSE(at_insert.ok());
  EXPECT_EQ(at_insert.error().kind, ErrorKind::permanent);
}

}  // namespace
}  // namespace k2c
