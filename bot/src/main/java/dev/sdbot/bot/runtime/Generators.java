package dev.sdbot.bot.runtime;

import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.scheduler.worker.TestPatternGenerator;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;

/** Picks the worker's image generator by name (SDBOT_GENERATOR). */
public final class Generators {
    private Generators() {
    }

    public static ImageGenerator create(SdbotConfig config) {
        if ("test-pattern".equals(config.generator())) {
            // answers to the default model's name too, so a laptop setup without weights runs end to end
            return new TestPatternGenerator(new HashSet<>(List.of(TestPatternGenerator.MODEL, config.defaultModel())),
                    Duration.ofMillis(config.testPatternStepMillis()));
        }
        throw new IllegalArgumentException("unknown generator '" + config.generator() + "' (SDBOT_GENERATOR), available: test-pattern");
    }
}
