package dev.sdbot.inference.safety;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.sdbot.inference.clip.ConfigJson;
import dev.sdbot.inference.clip.VisionConfig;
import dev.sdbot.inference.weights.CheckpointException;

import java.nio.file.Path;

/**
 * {@code safety_checker/config.json}: a CLIPConfig of which only the vision tower and the
 * projection width are used.
 */
public record SafetyCheckerConfig(VisionConfig vision, int projectionDim) {

    public static SafetyCheckerConfig fromJson(Path file) {
        String source = file.toString();
        JsonObject o = ConfigJson.read(file);
        JsonElement vision = o.get("vision_config");
        if (vision == null || !vision.isJsonObject()) {
            throw new CheckpointException(source + " has no vision_config: not a safety checker config");
        }
        return new SafetyCheckerConfig(VisionConfig.fromJson(vision.getAsJsonObject(), source),
                ConfigJson.positiveInt(o, "projection_dim", 512, source));
    }
}
