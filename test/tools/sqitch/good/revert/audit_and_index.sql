DROP INDEX CONCURRENTLY accounts_note_idx;
DROP TABLE audit_log;
