-- issue 9: the model family each published LoRA is for (name -> "sd1" for the SD 1.x/2.x layout, "sdxl"), read from
-- its tensor names by the worker, so the bot refuses a LoRA for another architecture before queueing.
ALTER TABLE workers ADD COLUMN lora_families jsonb NOT NULL DEFAULT '{}';
