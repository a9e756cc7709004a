package dev.sdbot.inference.clip;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.sdbot.inference.weights.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading transformers {@code config.json} files; absent keys take transformers' defaults. */
public final class ConfigJson {
    private ConfigJson() {
    }

    public static JsonObject read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("config not found: " + file);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static JsonObject parse(String json, String source) {
        try {
            return JsonParser.parseString(json).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new CheckpointException("invalid JSON in " + source + ": " + e.getMessage(), e);
        }
    }

    public static int positiveInt(JsonObject o, String key, int fallback, String source) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        try {
            int v = e.getAsInt();
            if (v <= 0) {
                throw new CheckpointException(source + ": " + key + " must be positive, got " + v);
            }
            return v;
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException ex) {
            throw new CheckpointException(source + ": " + key + " is not an integer: " + e, ex);
        }
    }

    public static double number(JsonObject o, String key, double fallback, String source) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        try {
            return e.getAsDouble();
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException ex) {
            throw new CheckpointException(source + ": " + key + " is not a number: " + e, ex);
        }
    }

    public static String string(JsonObject o, String key, String fallback) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsString();
    }

    public static void checkHeads(int width, int heads, String source) {
        if (width % heads != 0) {
            throw new CheckpointException(source + ": hidden_size " + width + " is not divisible by "
                    + heads + " attention heads");
        }
    }
}
