-- V30 (ControlNet units) and V34 (image store) each rebuilt the image-retention index for their own columns; the
-- purge reads all of them, so the index covers all of them (the planner only uses a partial index whose predicate the
-- query's implies).
DROP INDEX jobs_images_retention_idx;
CREATE INDEX jobs_images_retention_idx ON jobs (finished_at)
    WHERE preview_png IS NOT NULL OR init_image IS NOT NULL OR mask_image IS NOT NULL
       OR init_image_key IS NOT NULL OR mask_image_key IS NOT NULL OR control_images IS NOT NULL;
