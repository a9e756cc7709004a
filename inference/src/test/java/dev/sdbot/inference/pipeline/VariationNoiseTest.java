package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sdbot.inference.api.GenerationRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A1111's variation seeds: the start noise of each image of a request equals A1111's {@code ImageRNG.first()} with the
 * CPU noise source, from {@code variation-seeds/make_variation_refs.py} (A1111's slerp on Debian's torch 1.13).
 */
class VariationNoiseTest {
    /**
     * The noise is N(0, 1) of a few hundred values; the slerp adds a norm, a dot product, acos and sin in fp32, whose
     * reduction order differs between libtorch builds: a few ulp of values near 1, so 1e-5 absolute bounds it.
     */
    private static final double TOLERANCE = 1e-5;

    @Test
    void startNoiseOfEachImageMatchesA1111() throws IOException {
        JsonObject refs;
        try (InputStream in = getClass().getResourceAsStream("/variation-seeds/variation_refs.json")) {
            refs = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            for (JsonElement element : refs.getAsJsonArray("cases")) {
                JsonObject c = element.getAsJsonObject();
                JsonArray dims = c.getAsJsonArray("shape");
                Shape latent = new Shape(1, dims.get(0).getAsLong(), dims.get(1).getAsLong(), dims.get(2).getAsLong());
                long seed = c.get("seed").getAsLong();
                long variationSeed = c.get("variationSeed").getAsLong();
                GenerationRequest request = GenerationRequest.builder("x", "m").seed(seed)
                        .variation(variationSeed, c.get("strength").getAsDouble()).build();
                JsonArray images = c.getAsJsonArray("images");
                for (int i = 0; i < images.size(); i++) {
                    float[] got = ImageNoise.ofImage(manager, request, seed, variationSeed, i, latent, false, false, 0)
                            .noise().toFloatArray();
                    JsonArray want = images.get(i).getAsJsonArray();
                    assertThat(got).hasSize(want.size());
                    double worst = 0;
                    for (int k = 0; k < got.length; k++) {
                        worst = Math.max(worst, Math.abs(got[k] - want.get(k).getAsDouble()));
                    }
                    assertThat(worst).as("seed %d, variation seed %d + %d, strength %s", seed, variationSeed, i,
                            c.get("strength")).isLessThan(TOLERANCE);
                }
            }
        }
    }

    @Test
    void withoutStrengthTheVariationSeedIsIgnored() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape latent = new Shape(1, 4, 8, 8);
            GenerationRequest ignored = GenerationRequest.builder("x", "m").seed(5L).variation(9L, 0).build();
            float[] plain = ImageNoise.seeded(manager, 6, latent, false, false, 0).noise().toFloatArray();
            float[] got = ImageNoise.ofImage(manager, ignored, 5, 9, 1, latent, false, false, 0).noise().toFloatArray();
            assertThat(got).as("image 1 keeps seed + 1 and its own noise").containsExactly(plain);
        }
    }
}
