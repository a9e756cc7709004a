package dev.sdbot.inference.safety;

import com.google.gson.JsonElement;
import dev.sdbot.inference.clip.VisionConfig;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ConfigJson;

import java.nio.file.Path;

/**
 * {@code safety_checker/config.json}: a CLIPConfig of which only the vision tower and the
 * projection width are used.
 */
public record SafetyCheckerConfig(VisionConfig vision, int projectionDim) {

    public static SafetyCheckerConfig fromJson(Path file) {
        ConfigJson c = ConfigJson.read(file);
        JsonElement vision = c.get("vision_config");
        if (vision == null || !vision.isJsonObject()) {
            throw new CheckpointException(c.source() + " has no vision_config: not a safety checker config");
        }
        return new SafetyCheckerConfig(VisionConfig.fromJson(ConfigJson.of(vision.getAsJsonObject(), c.source())),
                c.positiveInt("projection_dim", 512));
    }
}
