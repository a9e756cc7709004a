-- The dispatcher numbers each member's queued jobs (PARTITION BY guild_id, user_id ORDER BY priority DESC,
-- created_at, id) on every pass; this index hands it the queued jobs in that order, so a pass reads the queue
-- without sorting it.
CREATE INDEX jobs_queued_member_idx ON jobs (guild_id, user_id, priority DESC, created_at, id) WHERE state = 'QUEUED';
