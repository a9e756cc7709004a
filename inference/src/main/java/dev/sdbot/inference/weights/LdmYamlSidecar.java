package dev.sdbot.inference.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sdbot.inference.model.SchedulerConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The original LDM config that A1111 users keep next to a checkpoint ({@code <name>.yaml}, e.g. SD 2.x's
 * {@code v2-inference-v.yaml}), read for the few values weights cannot tell: {@code parameterization}
 * ("v" or the default eps), the UNet's {@code num_heads}/{@code num_head_channels}, {@code scale_factor} and the
 * beta schedule. Only these scalar keys are read, by name, not the whole YAML language.
 */
final class LdmYamlSidecar {
    private LdmYamlSidecar() {
    }

    /**
     * @param blockOutChannels the UNet widths, to turn {@code num_head_channels} into head counts
     * @return the values found, as sidecar sections ({@code unet}, {@code vae}, {@code scheduler}); empty without a file
     */
    static JsonObject read(Path checkpoint, List<Integer> blockOutChannels) {
        Path file = InferredConfigs.sibling(checkpoint, ".yaml");
        if (!Files.isRegularFile(file)) {
            return new JsonObject();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException("cannot read sidecar config " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonObject scheduler = new JsonObject();
            String parameterization = value(text, "parameterization");
            scheduler.addProperty("prediction_type",
                    "v".equals(parameterization) ? SchedulerConfig.V_PREDICTION : SchedulerConfig.EPSILON);
            putDouble(scheduler, "beta_start", value(text, "linear_start"));
            putDouble(scheduler, "beta_end", value(text, "linear_end"));
            if (value(text, "timesteps") != null) {
                scheduler.addProperty("num_train_timesteps", Integer.parseInt(value(text, "timesteps")));
            }
            JsonObject vae = new JsonObject();
            putDouble(vae, "scaling_factor", value(text, "scale_factor"));
            JsonObject unet = new JsonObject();
            String unetSection = section(text, "unet_config");
            String headChannels = value(unetSection, "num_head_channels");
            String heads = value(unetSection, "num_heads");
            if (headChannels != null && Integer.parseInt(headChannels) > 0) {
                int width = Integer.parseInt(headChannels);
                JsonArray counts = new JsonArray();
                for (int channels : blockOutChannels) {
                    if (channels % width != 0) {
                        throw new CheckpointException("sidecar config " + file + ": num_head_channels " + width
                                + " does not divide the UNet width " + channels);
                    }
                    counts.add(channels / width);
                }
                unet.add("attention_head_dim", counts);
            } else if (heads != null && Integer.parseInt(heads) > 0) {
                unet.addProperty("attention_head_dim", Integer.parseInt(heads));
            }
            JsonObject result = new JsonObject();
            result.add("scheduler", scheduler);
            result.add("vae", vae);
            result.add("unet", unet);
            return result;
        } catch (NumberFormatException e) {
            throw new CheckpointException("sidecar config " + file + " has an unreadable number: " + e.getMessage(), e);
        }
    }

    /** The scalar after {@code key:} on the first line that defines it, unquoted; null if absent. */
    private static String value(String text, String key) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*:\\s*([^#\\r\\n]*)").matcher(text);
        if (!m.find()) {
            return null;
        }
        String v = m.group(1).trim();
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            v = v.substring(1, v.length() - 1);
        }
        return v.isEmpty() ? null : v;
    }

    /** The lines nested under {@code key:} (indented deeper than it); empty if absent. */
    private static String section(String text, String key) {
        Matcher m = Pattern.compile("(?m)^([ \\t]*)" + Pattern.quote(key) + "\\s*:\\s*$").matcher(text);
        if (!m.find()) {
            return "";
        }
        int indent = m.group(1).length();
        StringBuilder body = new StringBuilder();
        for (String line : text.substring(m.end()).split("\\R")) {
            int lineIndent = line.length() - line.stripLeading().length();
            if (!line.isBlank() && lineIndent <= indent) {
                break;
            }
            body.append(line).append('\n');
        }
        return body.toString();
    }

    private static void putDouble(JsonObject target, String field, String value) {
        if (value != null) {
            target.addProperty(field, Double.parseDouble(value));
        }
    }
}
