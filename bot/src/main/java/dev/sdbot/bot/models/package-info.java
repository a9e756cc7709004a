/**
 * Model files: where a model comes from (a Hugging Face repository or an http(s) URL, safetensors only) and its
 * download into the models directory.
 */
package dev.sdbot.bot.models;
