package dev.sdbot.inference.lora;

import java.nio.file.Path;

/** A prompt's LoRA tag with the file it names and that file's A1111 short hash. */
public record LoraFile(LoraTag tag, Path path, String shortHash) {
}
