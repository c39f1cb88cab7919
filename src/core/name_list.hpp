// migration_guard.history_exclude: a comma-separated list of schemas and
// schema-qualified tables, written as in SQL (unquoted names fold to lower
// case, "Quoted" names keep their case), and whether it covers an object.
#pragma once
#include "core/no_pg.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mg {

// A name of the list: a schema (name empty), or a table of a schema.
struct ListedName {
  std::string schema;
  std::string name;
};

// Parses "sqitch, public.django_migrations, public.\"SequelizeMeta\"".
// An empty text is an empty list.  Nothing, with *error, on a bad item.
std::optional<std::vector<ListedName>> parse_name_list(std::string_view text, std::string* error);

// Whether the list covers the object named `qualified` (SQL syntax, as
// quote_qualified_identifier() writes it): "schema.table" is covered by its
// schema or by itself; a lone "schema" (the object is the schema) by itself.
bool name_list_covers(const std::vector<ListedName>& list, std::string_view qualified);

}  // namespace mg
