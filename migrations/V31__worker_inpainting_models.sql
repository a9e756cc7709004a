-- issue 18: the models of a worker that are inpainting models (9-channel UNet), read from their configs or headers by
-- the worker, so the Zoom out / Pan buttons fill the new area with an inpainting model of the source model's family
-- when a live worker has one (their family is in model_families like any model's).
ALTER TABLE workers ADD COLUMN inpainting_models text[] NOT NULL DEFAULT '{}';
