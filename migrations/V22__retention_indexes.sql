-- Retention drops the images job rows carry (preview, init image, mask) of jobs that ended before a cut-off; without
-- an index that is a sequential scan of every job ever run, each hour. Only rows that still carry an image are indexed.
CREATE INDEX jobs_images_retention_idx ON jobs (finished_at)
    WHERE preview_png IS NOT NULL OR init_image IS NOT NULL OR mask_image IS NOT NULL;
