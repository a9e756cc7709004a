-- /admin settings allowed_models / allowed_loras (issue 17 item 1): which models and LoRAs members of a guild may
-- use, since a concept can ride on a file with an innocent name. NULL = no restriction; an empty list of LoRAs =
-- none allowed. Enforced before queueing, on /imagine and on every button.
ALTER TABLE guild_settings ADD COLUMN allowed_models text[];
ALTER TABLE guild_settings ADD COLUMN allowed_loras text[];
