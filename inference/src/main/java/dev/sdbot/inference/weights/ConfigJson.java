package dev.sdbot.inference.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads from a diffusers or transformers {@code config.json} (or an object nested in one); absent or null
 * keys take the caller's fallback, and an unusable value is a {@link CheckpointException} naming the source and key.
 */
public final class ConfigJson {
    private final JsonObject json;
    private final String source;

    private ConfigJson(JsonObject json, String source) {
        this.json = json;
        this.source = source;
    }

    public static ConfigJson read(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("config not found: " + path);
        } catch (IOException e) {
            throw new CheckpointException("cannot read config " + path + ": " + e.getMessage(), e);
        }
        return parse(text, path.toString());
    }

    public static ConfigJson parse(String text, String source) {
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new CheckpointException(source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new CheckpointException(source + " is not a JSON object");
        }
        return new ConfigJson(root.getAsJsonObject(), source);
    }

    /** An already parsed object, such as one nested in another config. */
    public static ConfigJson of(JsonObject json, String source) {
        return new ConfigJson(json, source);
    }

    private JsonElement value(String key) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? null : e;
    }

    public boolean has(String key) {
        return value(key) != null;
    }

    public boolean isArray(String key) {
        JsonElement e = value(key);
        return e != null && e.isJsonArray();
    }

    public int getInt(String key, int fallback) {
        JsonElement e = value(key);
        try {
            return e == null ? fallback : e.getAsInt();
        } catch (RuntimeException ex) {
            throw invalid(key, e);
        }
    }

    /** {@link #getInt}, and the value (when present) must be positive. */
    public int positiveInt(String key, int fallback) {
        int v = getInt(key, fallback);
        if (has(key) && v <= 0) {
            throw new CheckpointException(source + ": " + key + " must be positive, got " + v);
        }
        return v;
    }

    public double getDouble(String key, double fallback) {
        JsonElement e = value(key);
        try {
            return e == null ? fallback : e.getAsDouble();
        } catch (RuntimeException ex) {
            throw invalid(key, e);
        }
    }

    public boolean getBoolean(String key, boolean fallback) {
        JsonElement e = value(key);
        try {
            return e == null ? fallback : e.getAsBoolean();
        } catch (RuntimeException ex) {
            throw invalid(key, e);
        }
    }

    public String getString(String key, String fallback) {
        JsonElement e = value(key);
        try {
            return e == null ? fallback : e.getAsString();
        } catch (RuntimeException ex) {
            throw invalid(key, e);
        }
    }

    public List<Integer> getIntList(String key) {
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

    public List<String> getStringList(String key) {
        JsonElement e = value(key);
        if (e == null || !e.isJsonArray()) {
            throw new CheckpointException(source + ": '" + key + "' must be a list of strings");
        }
        List<String> result = new ArrayList<>();
        for (JsonElement item : e.getAsJsonArray()) {
            try {
                result.add(item.getAsString());
            } catch (RuntimeException ex) {
                throw invalid(key, e);
            }
        }
        return List.copyOf(result);
    }

    /** The raw element under {@code key}, or null when absent or null (for values of several shapes). */
    public JsonElement get(String key) {
        return value(key);
    }

    public CheckpointException invalid(String key, Object value) {
        return new CheckpointException(source + ": invalid value for '" + key + "': " + value);
    }

    public String source() {
        return source;
    }
}
