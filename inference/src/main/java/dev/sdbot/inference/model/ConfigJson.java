package dev.sdbot.inference.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.sdbot.inference.weights.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Typed reads from a diffusers {@code config.json}, with the reason in the exception when a field is unusable. */
final class ConfigJson {
    private final JsonObject json;
    private final String source;

    private ConfigJson(JsonObject json, String source) {
        this.json = json;
        this.source = source;
    }

    static ConfigJson read(Path path) {
        try {
            return parse(Files.readString(path), path.toString());
        } catch (IOException e) {
            throw new CheckpointException("cannot read model config " + path + ": " + e.getMessage(), e);
        }
    }

    static ConfigJson parse(String text, String source) {
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonObject()) {
                throw new CheckpointException(source + " is not a JSON object");
            }
            return new ConfigJson(root.getAsJsonObject(), source);
        } catch (JsonParseException e) {
            throw new CheckpointException(source + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private JsonElement value(String key) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? null : e;
    }

    boolean has(String key) {
        return value(key) != null;
    }

    boolean isArray(String key) {
        JsonElement e = value(key);
        return e != null && e.isJsonArray();
    }

    int getInt(String key, int fallback) {
        JsonElement e = value(key);
        try {
            return e == null ? fallback : e.getAsInt();
        } catch (RuntimeException ex) {
            throw invalid(key, e);
        }
    }

    double getDouble(String key, double fallback) {
        JsonElement e = value(key);
        try {
            return e == null ? fallback : e.getAsDouble();
        } catch (RuntimeException ex) {
            throw invalid(key, e);
        }
    }

    boolean getBoolean(String key, boolean fallback) {
        JsonElement e = value(key);
        try {
            return e == null ? fallback : e.getAsBoolean();
        } catch (RuntimeException ex) {
            throw invalid(key, e);
        }
    }

    String getString(String key, String fallback) {
        JsonElement e = value(key);
        return e == null ? fallback : e.getAsString();
    }

    List<Integer> getIntList(String key) {
        JsonElement e = value(key);
        if (e == null || !e.isJsonArray()) {
            throw new CheckpointException(source + ": '" + key + "' must be a list of integers");
        }
        List<Integer> result = new ArrayList<>();
        for (JsonElement item : e.getAsJsonArray()) {
            try {
                result.add(item.getAsInt());
            } catch (RuntimeException ex) {
                throw invalid(key, e);
            }
        }
        return List.copyOf(result);
    }

    List<String> getStringList(String key) {
        JsonElement e = value(key);
        if (e == null || !e.isJsonArray()) {
            throw new CheckpointException(source + ": '" + key + "' must be a list of strings");
        }
        List<String> result = new ArrayList<>();
        for (JsonElement item : (JsonArray) e) {
            result.add(item.getAsString());
        }
        return List.copyOf(result);
    }

    CheckpointException invalid(String key, Object value) {
        return new CheckpointException(source + ": invalid value for '" + key + "': " + value);
    }

    String source() {
        return source;
    }
}
