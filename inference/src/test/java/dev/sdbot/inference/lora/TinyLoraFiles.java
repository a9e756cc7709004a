package dev.sdbot.inference.lora;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a valid safetensors file whose tensors (each one fp32 zero) carry the given names: a LoRA's header. */
public final class TinyLoraFiles {
    private TinyLoraFiles() {
    }

    public static Path write(Path file, String... keys) throws IOException {
        StringBuilder header = new StringBuilder("{");
        for (int i = 0; i < keys.length; i++) {
            header.append(i == 0 ? "" : ",").append('"').append(keys[i]).append("\":{\"dtype\":\"F32\",\"shape\":[1,1],")
                    .append("\"data_offsets\":[").append(4 * i).append(',').append(4 * (i + 1)).append("]}");
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + 4 * keys.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json);
        Files.createDirectories(file.getParent());
        return Files.write(file, out.array());
    }

    /** The down and up tensors of one SDXL LoRA module of text encoder 1 (kohya's names). */
    public static Path writeSdxl(Path file) throws IOException {
        String module = "lora_te1_text_model_encoder_layers_0_mlp_fc1";
        return write(file, module + ".lora_down.weight", module + ".lora_up.weight", module + ".alpha");
    }
}
