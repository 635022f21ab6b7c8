#!/usr/bin/env python3
"""The SQL helpers of the local tools (tools/chsql.py, tools/replay.py): statements
split outside quotes, answers printed as aligned tables, and the example DDL
variant each server version runs. No server needed.
"""
import os
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import chsql  # noqa: E402
import replay  # noqa: E402


class Statements(unittest.TestCase):
    def test_split_at_semicolons_outside_quotes_and_comments(self):
        text = "SELECT 'a;b' -- c;d\n; SELECT `x;y`, \"q;\" ;\n-- only a comment;\n"
        self.assertEqual(chsql.statements(text), ["SELECT 'a;b'", 'SELECT `x;y`, "q;"'])

    def test_escaped_quote_does_not_end_the_string(self):
        self.assertEqual(chsql.statements(r"SELECT 'it\'s;'; SELECT 2"), [r"SELECT 'it\'s;'", "SELECT 2"])

    def test_every_example_file_splits_into_create_statements(self):
        for name in os.listdir(os.path.join(ROOT, "schema/examples")):
            if name.endswith(".sql"):
                with open(os.path.join(ROOT, "schema/examples", name)) as f:
                    for st in chsql.statements(f.read()):
                        self.assertRegex(st, r"^CREATE ", name)


class Render(unittest.TestCase):
    def test_numbers_right_strings_left(self):
        out = chsql.render(["name", "n"], ["String", "UInt64"], [["a", "5"], ["bbb", "12"]])
        self.assertEqual(out.splitlines(), ["name   n", "----  --", "a      5", "bbb   12", "(2 rows)"])

    def test_totals_nulls_and_long_values(self):
        out = chsql.render(["s", "n"], ["Nullable(String)", "Nullable(Int8)"],
                           [[None, None], ["x" * 100, "1"]], ["", "1"], max_width=10)
        lines = out.splitlines()
        self.assertEqual(lines[2].split(), ["NULL", "NULL"])
        self.assertTrue(lines[3].startswith("xxxxxxxxx…"))
        self.assertEqual(lines[-2].split(), ["1"])
        self.assertEqual(lines[-1], "(2 rows)")


class ExampleVariants(unittest.TestCase):
    def names(self, version):
        return [os.path.basename(p) for p in replay.example_ddl(version)]

    def test_18_16_runs_the_18_16_variants(self):
        names = self.names("18.16.1")
        self.assertIn("shop.18.16.sql", names)
        self.assertIn("telemetry.18.16.sql", names)
        self.assertNotIn("shop.sql", names)
        self.assertIn("orders.sql", names)  # one file for every server

    def test_current_servers_run_the_current_layouts(self):
        names = self.names("26.7.1.1")
        self.assertIn("shop.sql", names)
        self.assertNotIn("shop.18.16.sql", names)

    def test_every_current_layout_says_what_it_is_for(self):
        d = os.path.join(ROOT, "schema/examples")
        for name in os.listdir(d):
            if name.endswith(".18.16.sql"):
                with open(os.path.join(d, name)) as f:
                    self.assertIn("VARIANT: ClickHouse 18.16", f.read(), name)
                with open(os.path.join(d, name.replace(".18.16.sql", ".sql"))) as f:
                    self.assertIn("VARIANT: current ClickHouse", f.read(), name)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
