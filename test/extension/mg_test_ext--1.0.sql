-- Builds an index on the regression test's large table without CONCURRENTLY.
CREATE INDEX mg_test_ext_idx ON public.big (id);
