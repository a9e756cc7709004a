package dev.sdbot.bot.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.sdbot.inference.pipeline.ModelDirectory;
import dev.sdbot.scheduler.worker.TestPatternGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds {@link SdbotConfig} from {@code defaults.yaml} (beside this class), then {@code sdbot.yaml} (in the working
 * directory, or the file named by SDBOT_CONFIG; optional; grouped or the older flat layout), then the environment
 * variables of {@link Setting}; Jackson binds the merged tree to the records.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private ConfigLoader() {
    }

    public static SdbotConfig load() {
        return load(System.getenv(), Path.of(System.getenv().getOrDefault("SDBOT_CONFIG", "sdbot.yaml")));
    }

    /** @throws IllegalArgumentException with the offending key or variable named, never its value */
    public static SdbotConfig load(Map<String, String> environment, Path yamlFile) {
        ObjectNode tree = defaults();
        if (Files.isRegularFile(yamlFile)) {
            merge(tree, readFile(yamlFile));
        }
        for (Setting setting : Setting.values()) {
            String value = environment.get(setting.name());
            if (value != null && !value.isEmpty()) {
                put(tree, setting.path(), YAML.getNodeFactory().textNode(value));
            }
        }
        ObjectNode models = (ObjectNode) tree.path("models");
        if (models.path("defaultModel").isMissingNode() || models.path("defaultModel").isNull()) {
            models.put("defaultModel", firstInstalledModel(Path.of(models.path("dir").asText())));
        }
        try {
            return YAML.treeToValue(tree, SdbotConfig.class);
        } catch (UnrecognizedPropertyException e) {
            // defaults and variables only name known paths: an unknown one came from the file
            throw new IllegalArgumentException(yamlFile + ": unknown setting '" + path(e) + "', known there: "
                    + e.getKnownPropertyIds(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid configuration: " + describe(e), e);
        }
    }

    /** Unset default model: the first installed one, so a fresh install with weights needs no further setting. */
    private static String firstInstalledModel(Path modelsDir) {
        return new ModelDirectory(modelsDir).models().keySet().stream().sorted().findFirst().orElse(TestPatternGenerator.MODEL);
    }

    private static ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("sdbot's built-in defaults.yaml is unreadable", e);
        }
    }

    /** The file as a grouped tree; a flat key of the older layout moves to its path. */
    private static ObjectNode readFile(Path yamlFile) {
        JsonNode read;
        try {
            read = YAML.readTree(yamlFile.toFile());
        } catch (JsonProcessingException e) {
            // the parser's message quotes the offending line, which may hold a secret: only say where
            throw new IllegalArgumentException(yamlFile + " is not valid YAML near line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + yamlFile + ": " + e.getMessage(), e);
        }
        ObjectNode grouped = YAML.createObjectNode();
        if (read == null || read.isMissingNode() || read.isNull()) {
            return grouped;
        }
        if (!read.isObject()) {
            throw new IllegalArgumentException(yamlFile + ": expected settings (key: value), found a " + read.getNodeType());
        }
        read.fields().forEachRemaining(field -> Setting.withFlatKey(field.getKey()).ifPresentOrElse(
                setting -> put(grouped, setting.path(), field.getValue()),
                () -> merge(grouped, YAML.createObjectNode().set(field.getKey(), field.getValue()))));
        return grouped;
    }

    /** Deep merge: objects key by key, anything else replaces; an empty section ({@code worker:} alone) keeps all. */
    private static void merge(ObjectNode into, JsonNode from) {
        from.fields().forEachRemaining(field -> {
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue().isObject()) {
                merge(target, field.getValue());
            } else if (!(existing instanceof ObjectNode && field.getValue().isNull())) {
                into.set(field.getKey(), field.getValue());
            }
        });
    }

    private static void put(ObjectNode tree, String path, JsonNode value) {
        String[] keys = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < keys.length - 1; i++) {
            node = node.get(keys[i]) instanceof ObjectNode child ? child : node.putObject(keys[i]);
        }
        node.set(keys[keys.length - 1], value);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(JsonMappingException.Reference::getFieldName).filter(n -> n != null)
                .collect(Collectors.joining("."));
    }

    /** Names the setting and its environment variable without echoing values (they may be secrets). */
    private static String describe(JsonProcessingException e) {
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String path = path(mismatch);
            return "setting " + Setting.atPath(path).map(Setting::describe).orElse("'" + path + "'")
                    + " has a value of the wrong type";
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        // our records' own checks name the setting and never include secrets; Jackson's messages may quote input
        return root == e ? "malformed settings at '" + (e instanceof JsonMappingException m ? path(m) : "?") + "'"
                : root.getMessage();
    }
}
