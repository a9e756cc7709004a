-- Images leave the queue's tables for the image store (issue 19; scheduler/images: a directory by default, or an
-- S3 bucket): result PNGs, img2img init images and inpainting masks are written there under keys, and the rows keep
-- only the key. A 512x512 PNG in job_results was 787 KB of the 854 KB of WAL one job wrote.
--
-- Existing installs: rows written before this version keep their bytea columns and are still read from them (a result
-- without image_key is read from png; a job without init_image_key from init_image), and the retention purge empties
-- them as they age out, as before. Nothing is copied here: moving every stored PNG inside a migration would hold the
-- jobs table for as long as that takes, and reading both costs one column test.
ALTER TABLE job_results ADD COLUMN image_key text;
ALTER TABLE jobs ADD COLUMN init_image_key text, ADD COLUMN mask_image_key text;

-- The step preview of a running job, out of the hot job row (whose every progress update rewrote it): written at most
-- once a second by the worker, read by the bot's progress messages, deleted when the attempt ends. Worth nothing after
-- a crash, so UNLOGGED: no WAL at all (emptied by a crash restart, which only means no preview until the next step).
CREATE UNLOGGED TABLE job_previews (
    job_id      bigint      PRIMARY KEY,
    attempt     int         NOT NULL,
    png         bytea       NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Retention finds stored images by age without reading every row (as V22 did for the bytea columns).
CREATE INDEX job_results_image_key_retention_idx ON job_results (created_at) WHERE image_key IS NOT NULL;
DROP INDEX jobs_images_retention_idx;
CREATE INDEX jobs_images_retention_idx ON jobs (finished_at)
    WHERE preview_png IS NOT NULL OR init_image IS NOT NULL OR mask_image IS NOT NULL
       OR init_image_key IS NOT NULL OR mask_image_key IS NOT NULL;
