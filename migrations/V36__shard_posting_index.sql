-- Bot processes with shard ranges read the unposted results of their shards, oldest first: the shard is an
-- expression of guild_id whose modulus is configuration, so the sweep reads this partial index (only unposted
-- results) in order and filters by shard, instead of one guild list per process.
CREATE INDEX jobs_unposted_order_idx ON jobs (finished_at, id) INCLUDE (guild_id) WHERE state = 'SUCCEEDED';
