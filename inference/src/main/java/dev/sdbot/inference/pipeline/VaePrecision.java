package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.weights.ConfigJson;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dtype the VAE runs in, given the compute dtype: diffusers' {@code force_upcast} when the checkpoint's
 * {@code vae/config.json} states it (the SDXL VAE says true, its fp16-fix variant false), else the family's rule:
 * SD 1.x decodes fine in fp16; every other family (SD 2.x, and SDXL whose VAE overflows in fp16) decodes in fp32.
 */
public final class VaePrecision {
    private VaePrecision() {
    }

    public static DataType vaeType(DataType computeType, ModelFamily family, Path checkpoint) {
        return computeType == DataType.FLOAT32 || forceUpcast(family, checkpoint) ? DataType.FLOAT32 : computeType;
    }

    /** The family's rule alone (random-weight benchmarks have no config). */
    public static DataType vaeType(DataType computeType, ModelFamily family) {
        return computeType == DataType.FLOAT32 || familyUpcasts(family) ? DataType.FLOAT32 : computeType;
    }

    /** The hook a new family's rule goes in: true for every family but SD 1.x. */
    public static boolean familyUpcasts(ModelFamily family) {
        return family != ModelFamily.SD1;
    }

    /** The config's {@code force_upcast} when present, else {@link #familyUpcasts}. */
    public static boolean forceUpcast(ModelFamily family, Path checkpoint) {
        Path config = checkpoint.resolve("vae").resolve("config.json");
        if (Files.isRegularFile(config)) {
            ConfigJson json = ConfigJson.read(config);
            if (json.has("force_upcast")) {
                return json.getBoolean("force_upcast", true);
            }
        }
        return familyUpcasts(family);
    }
}
