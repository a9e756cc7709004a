-- Bot processes with shard ranges read the unposted results of their shards, oldest first: the shard is an
-- expression of guild_id whose modulus is configuration, so the sweep reads this partial index (only unposted
-- results) in order and filters by shard, instead of one guild list per process.
CREATE INDEX jobs_unposted_order_idx ON jobs (finished_at, id) INCLUDE (guild_id) WHERE state = 'SUCCEEDED';

-- A post to the channel that Discord may have accepted while the bot crashed before recording POSTED: the first and
-- the last time one was tried (database clock). The retry looks for it in the channel's history from that time on,
-- however many messages came after it, instead of only the last page of 100.
ALTER TABLE jobs ADD COLUMN post_first_tried_at timestamptz, ADD COLUMN post_last_tried_at timestamptz;
