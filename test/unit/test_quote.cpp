// quote_ident / quote_qualified / quote_literal / truncate_identifier, and the
// human-readable quantities pretty_bytes / pretty_count.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/c_api.h"
#include "core/quote.hpp"

namespace mg {
namespace {

// A stand-in for the server's keyword table: three reserved words.
bool fake_keyword(const char* word) {
  return std::strcmp(word, "select") == 0 || std::strcmp(word, "user") == 0 ||
         std::strcmp(word, "order") == 0;
}

// Installs the fake keyword table for one test and always puts the default
// (no keywords) back, so that no other test sees it.
class QuoteIdentWithKeywords : public ::testing::Test {
 protected:
  void SetUp() override { set_keyword_predicate(fake_keyword); }
  void TearDown() override { set_keyword_predicate(nullptr); }
};

// ------------------------------------------------------------------ quote_ident

TEST(QuoteIdent, PlainLowerCaseNameStaysBare) {
  EXPECT_EQ(quote_ident("orders"), "orders");
  EXPECT_EQ(quote_ident("order_items_2024"), "order_items_2024");
  EXPECT_EQ(quote_ident("_private"), "_private");
}

TEST(QuoteIdent, UpperCaseIsQuoted) {
  EXPECT_EQ(quote_ident("Orders"), "\"Orders\"");
  EXPECT_EQ(quote_ident("ORDERS"), "\"ORDERS\"");
}

TEST(QuoteIdent, SpacesAndPunctuationAreQuoted) {
  EXPECT_EQ(quote_ident("order items"), "\"order items\"");
  EXPECT_EQ(quote_ident("a-b"), "\"a-b\"");
  EXPECT_EQ(quote_ident("a.b"), "\"a.b\"");
  EXPECT_EQ(quote_ident("price$"), "\"price$\"");
}

TEST(QuoteIdent, EmbeddedDoubleQuoteIsDoubled) {
  EXPECT_EQ(quote_ident("say\"hi"), "\"say\"\"hi\"");
  EXPECT_EQ(quote_ident("\""), "\"\"\"\"");
}

TEST(QuoteIdent, LeadingDigitIsQuoted) {
  EXPECT_EQ(quote_ident("2024_orders"), "\"2024_orders\"");
  EXPECT_EQ(quote_ident("orders_2024"), "orders_2024");
}

TEST(QuoteIdent, EmptyStringIsTwoQuotes) { EXPECT_EQ(quote_ident(""), "\"\""); }

TEST(QuoteIdent, NonAsciiIsQuoted) {
  // quote_identifier() only leaves ASCII lower-case letters, digits and _ bare.
  EXPECT_EQ(quote_ident("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
}

TEST(QuoteIdent, QuoteAllQuotesEvenPlainNames) {
  EXPECT_EQ(quote_ident("orders", true), "\"orders\"");
  EXPECT_EQ(quote_ident("Orders", true), "\"Orders\"");
  EXPECT_EQ(quote_ident("a\"b", true), "\"a\"\"b\"");
}

TEST(QuoteIdent, NoKeywordsByDefault) {
  // Without the server's table nothing is a keyword.
  EXPECT_EQ(quote_ident("select"), "select");
  EXPECT_EQ(quote_ident("user"), "user");
}

TEST_F(QuoteIdentWithKeywords, ReservedWordsAreQuoted) {
  EXPECT_EQ(quote_ident("select"), "\"select\"");
  EXPECT_EQ(quote_ident("user"), "\"user\"");
  EXPECT_EQ(quote_ident("order"), "\"order\"");
}

TEST_F(QuoteIdentWithKeywords, OtherWordsStayBare) {
  EXPECT_EQ(quote_ident("orders"), "orders");
  EXPECT_EQ(quote_ident("users"), "users");
  EXPECT_EQ(quote_ident("selected"), "selected");
}

TEST_F(QuoteIdentWithKeywords, KeywordCheckOnlyForOtherwiseBareNames) {
  // Upper case is quoted anyway; the predicate sees lower-case words only.
  EXPECT_EQ(quote_ident("Order"), "\"Order\"");
  EXPECT_EQ(quote_ident("order", true), "\"order\"");
}

TEST_F(QuoteIdentWithKeywords, ResetRestoresTheDefault) {
  set_keyword_predicate(nullptr);
  EXPECT_EQ(quote_ident("select"), "select");
}

TEST_F(QuoteIdentWithKeywords, InstalledThroughTheCApi) {
  set_keyword_predicate(nullptr);
  mg_set_keyword_predicate(fake_keyword);
  EXPECT_EQ(quote_ident("user"), "\"user\"");
  mg_set_keyword_predicate(nullptr);
  EXPECT_EQ(quote_ident("user"), "user");
}

// -------------------------------------------------------------- quote_qualified

TEST(QuoteQualified, BothPartsQuotedAsNeeded) {
  EXPECT_EQ(quote_qualified("public", "orders"), "public.orders");
  EXPECT_EQ(quote_qualified("Sales", "Order Items"), "\"Sales\".\"Order Items\"");
  EXPECT_EQ(quote_qualified("sales", "Order Items"), "sales.\"Order Items\"");
  EXPECT_EQ(quote_qualified("Sales", "orders"), "\"Sales\".orders");
}

TEST(QuoteQualified, EmptySchemaIsLeftOut) {
  EXPECT_EQ(quote_qualified("", "orders"), "orders");
  EXPECT_EQ(quote_qualified("", "Orders"), "\"Orders\"");
}

TEST(QuoteQualified, QuoteAllQuotesBothParts) {
  EXPECT_EQ(quote_qualified("public", "orders", true), "\"public\".\"orders\"");
  EXPECT_EQ(quote_qualified("", "orders", true), "\"orders\"");
}

TEST_F(QuoteIdentWithKeywords, QualifiedNameQuotesKeywordParts) {
  EXPECT_EQ(quote_qualified("user", "order"), "\"user\".\"order\"");
}

// ---------------------------------------------------------------- quote_literal

TEST(QuoteLiteral, PlainValue) {
  EXPECT_EQ(quote_literal("new"), "'new'");
  EXPECT_EQ(quote_literal(""), "''");
}

TEST(QuoteLiteral, QuoteIsDoubled) { EXPECT_EQ(quote_literal("it's"), "'it''s'"); }

TEST(QuoteLiteral, BackslashIsDoubledWithEPrefix) {
  EXPECT_EQ(quote_literal("C:\\temp"), "E'C:\\\\temp'");
  EXPECT_EQ(quote_literal("it's a \\"), "E'it''s a \\\\'");
}

// ---------------------------------------------------------- truncate_identifier

TEST(TruncateIdentifier, ShortNamesUnchanged) {
  EXPECT_EQ(truncate_identifier(""), "");
  EXPECT_EQ(truncate_identifier("orders"), "orders");
  std::string exactly63(63, 'a');
  EXPECT_EQ(truncate_identifier(exactly63), exactly63);
}

TEST(TruncateIdentifier, LongAsciiCutTo63Bytes) {
  std::string name(64, 'a');
  EXPECT_EQ(truncate_identifier(name), std::string(63, 'a'));
  EXPECT_EQ(truncate_identifier(std::string(200, 'b')).size(), 63u);
}

TEST(TruncateIdentifier, TwoByteSequenceNotCutInTwo) {
  // 62 ASCII bytes then "é" (C3 A9): byte 63 would be the first half of "é".
  std::string name = std::string(62, 'a') + "\xC3\xA9";
  EXPECT_EQ(truncate_identifier(name), std::string(62, 'a'));
  // 61 + 2 bytes = 63: fits whole.
  std::string fits = std::string(61, 'a') + "\xC3\xA9";
  EXPECT_EQ(truncate_identifier(fits), fits);
  // 61 + "é" + "x": the 63-byte prefix ends with the complete "é".
  EXPECT_EQ(truncate_identifier(fits + "x"), fits);
}

TEST(TruncateIdentifier, ThreeAndFourByteSequencesNotCutInTwo) {
  const std::string euro = "\xE2\x82\xAC";        // 3 bytes
  const std::string grin = "\xF0\x9F\x98\x80";    // 4 bytes
  EXPECT_EQ(truncate_identifier(std::string(61, 'a') + euro), std::string(61, 'a'));
  EXPECT_EQ(truncate_identifier(std::string(62, 'a') + euro), std::string(62, 'a'));
  EXPECT_EQ(truncate_identifier(std::string(60, 'a') + euro + "b"), std::string(60, 'a') + euro);
  EXPECT_EQ(truncate_identifier(std::string(60, 'a') + grin), std::string(60, 'a'));
  EXPECT_EQ(truncate_identifier(std::string(62, 'a') + grin), std::string(62, 'a'));
  EXPECT_EQ(truncate_identifier(std::string(59, 'a') + grin + "b"), std::string(59, 'a') + grin);
}

TEST(TruncateIdentifier, AllMultiByteName) {
  // 32 x "é" = 64 bytes: 31 whole characters (62 bytes) are kept.
  std::string name;
  for (int i = 0; i < 32; i++) name += "\xC3\xA9";
  std::string expected;
  for (int i = 0; i < 31; i++) expected += "\xC3\xA9";
  EXPECT_EQ(truncate_identifier(name), expected);
}

// ----------------------------------------------------------------- pretty_bytes

TEST(PrettyBytes, UnknownSize) { EXPECT_EQ(pretty_bytes(-1), "unknown size"); }

TEST(PrettyBytes, BytesBelowTenKilobytes) {
  EXPECT_EQ(pretty_bytes(0), "0 bytes");
  EXPECT_EQ(pretty_bytes(8192), "8192 bytes");
  EXPECT_EQ(pretty_bytes(10239), "10239 bytes");
}

TEST(PrettyBytes, KilobytesFromTenKilobytes) {
  EXPECT_EQ(pretty_bytes(10240), "10 kB");
  EXPECT_EQ(pretty_bytes(229376), "224 kB");
  EXPECT_EQ(pretty_bytes(10 * 1024 * 1024 - 2048), "10238 kB");
}

TEST(PrettyBytes, MegabytesFromTenMegabytes) {
  EXPECT_EQ(pretty_bytes(10LL * 1024 * 1024), "10 MB");
  EXPECT_EQ(pretty_bytes(11LL * 1024 * 1024), "11 MB");
  EXPECT_EQ(pretty_bytes(2250000000LL), "2146 MB");
  EXPECT_EQ(pretty_bytes(9LL * 1024 * 1024 * 1024), "9216 MB");
}

TEST(PrettyBytes, GigabytesAsPgSizePretty) {
  // pg_size_pretty: whole units, no decimals.
  EXPECT_EQ(pretty_bytes(10LL * 1024 * 1024 * 1024), "10 GB");
  EXPECT_EQ(pretty_bytes(12LL * 1024 * 1024 * 1024 + 600LL * 1024 * 1024), "13 GB");
  EXPECT_EQ(pretty_bytes(100LL * 1024 * 1024 * 1024), "100 GB");
  EXPECT_EQ(pretty_bytes(500LL * 1024 * 1024 * 1024), "500 GB");
}

TEST(PrettyBytes, TerabytesFromTenTerabytes) {
  EXPECT_EQ(pretty_bytes(10LL * 1024 * 1024 * 1024 * 1024), "10 TB");
}

TEST(PrettyBytes, RoundingUpToTheNextUnitSwitchesUnit) {
  // BUG: the unit is chosen before rounding, so a value just under a unit
  // boundary rounds up to 10240 of the smaller unit ("10240 kB") or to
  // "100.0 GB", where pg_size_pretty (and the rest of this function) would
  // print "10 MB" and "100 GB".
  EXPECT_EQ(pretty_bytes(10LL * 1024 * 1024 - 1), "10 MB");
  EXPECT_EQ(pretty_bytes(100LL * 1024 * 1024 * 1024 - 50LL * 1024 * 1024), "100 GB");
}

TEST(PrettyBytes, HalfRoundsUpAsPgSizePretty) {
  // BUG: pg_size_pretty rounds halves away from zero (half_rounded()):
  // 10752 bytes = 10.5 kB is "11 kB" there; fmt's {:.0f} rounds half to even
  // and prints "10 kB".
  EXPECT_EQ(pretty_bytes(10752), "11 kB");
  EXPECT_EQ(pretty_bytes(12800), "13 kB");
}

// ----------------------------------------------------------------- pretty_count

TEST(PrettyCount, Unknown) { EXPECT_EQ(pretty_count(-1), "an unknown number of"); }

TEST(PrettyCount, ExactBelowTenThousand) {
  EXPECT_EQ(pretty_count(0), "0");
  EXPECT_EQ(pretty_count(950), "950");
  EXPECT_EQ(pretty_count(9999), "9999");
}

TEST(PrettyCount, Thousands) {
  EXPECT_EQ(pretty_count(10000), "10 thousand");
  EXPECT_EQ(pretty_count(12345), "12 thousand");
  EXPECT_EQ(pretty_count(200000), "200 thousand");
  EXPECT_EQ(pretty_count(999499), "999 thousand");
}

TEST(PrettyCount, MillionsWithOneDecimal) {
  EXPECT_EQ(pretty_count(1000000), "1.0 million");
  EXPECT_EQ(pretty_count(1234567), "1.2 million");
  EXPECT_EQ(pretty_count(999000000), "999.0 million");
}

TEST(PrettyCount, BillionsWithOneDecimal) {
  EXPECT_EQ(pretty_count(1000000000), "1.0 billion");
  EXPECT_EQ(pretty_count(3400000000LL), "3.4 billion");
}

TEST(PrettyCount, RoundingUpToTheNextUnitSwitchesUnit) {
  // BUG: the unit is chosen before rounding: 999 500 rows print as
  // "1000 thousand" and 999 999 999 as "1000.0 million".
  EXPECT_EQ(pretty_count(999500), "1.0 million");
  EXPECT_EQ(pretty_count(999999), "1.0 million");
  EXPECT_EQ(pretty_count(999999999), "1.0 billion");
}

// ------------------------------------------- text that goes into generated SQL

TEST(SqlComment, EveryLineOfTheTextIsAComment) {
  // The server's lexer ends a "--" comment at \n and at \r.
  EXPECT_EQ(sql_comment("restore table \"a\nDROP TABLE x; --\""),
            "-- restore table \"a\n-- DROP TABLE x; --\"");
  EXPECT_EQ(sql_comment("a\rb\r\nc"), "-- a\n-- b\n-- c");
  EXPECT_EQ(sql_comment("tab\there\x1b[2J"), "-- tab\\there\\x1B[2J");
}

TEST(OneLine, ControlCharactersAreEscaped) {
  EXPECT_EQ(one_line("a\nb\rc\td\x7f"), "a\\nb\\rc\\td\\x7F");
  EXPECT_EQ(one_line("plain \\ text */ $$"), "plain \\ text */ $$");
}

TEST(DollarQuote, TagNeverOccursInTheBody) {
  EXPECT_EQ(dollar_quote(" BEGIN END "), "$mg$ BEGIN END $mg$");
  EXPECT_EQ(dollar_quote("x $mg$ y"), "$mg1$x $mg$ y$mg1$");
  EXPECT_EQ(dollar_quote("$mg$ $mg1$"), "$mg2$$mg$ $mg1$$mg2$");
}

TEST(ShellWord, QuotedForAShellOnOneLine) {
  EXPECT_EQ(shell_word("public.orders"), "public.orders");
  EXPECT_EQ(shell_word("public.\"My Table\""), "'public.\"My Table\"'");
  EXPECT_EQ(shell_word("it's $(rm -rf /)"), "'it'\\''s $(rm -rf /)'");
  EXPECT_EQ(shell_word("-rf"), "'-rf'");
  EXPECT_EQ(shell_word("a\nb'c"), "$'a\\nb\\'c'");
}

}  // namespace
}  // namespace mg
