-- jobs is a queue: every job leaves three dead row versions behind within seconds (QUEUED -> ASSIGNED ->
-- RUNNING -> SUCCEEDED), and the partial indexes the dispatcher and workers scan fill up with entries for them.
-- Vacuum and analyze it after a fixed number of changes instead of a fraction of the table, so a small, busy
-- queue is cleaned within seconds and a freshly created one gets statistics before its plans go wrong.
ALTER TABLE jobs SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 2000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 2000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0
);

-- PNG is already deflate-compressed: store it out of line without trying pglz on it first.
ALTER TABLE job_results ALTER COLUMN png SET STORAGE EXTERNAL;
