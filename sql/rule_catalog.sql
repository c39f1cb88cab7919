-- The rule catalog: every rule with its default severity.  Each rule's own
-- cases are in sql/rules/<id>.sql, with fixtures of their own.
SELECT id, severity FROM migration_guard.rules ORDER BY id;
-- Each rule has a summary, an explanation and a recipe.
SELECT count(*) AS rules,
       count(*) FILTER (WHERE summary <> '' AND explanation <> '' AND recipe <> '') AS complete
  FROM migration_guard.rules;
