-- The side in pixels each model of a worker was trained at (diffusers' default size: UNet sample_size x VAE scale),
-- so /imagine defaults to it for a model trained off its family's sizes.
ALTER TABLE workers ADD COLUMN model_native_sides jsonb NOT NULL DEFAULT '{}'::jsonb;
