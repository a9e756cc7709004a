package dev.sdbot.bot.runtime;

import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.scheduler.worker.TestPatternGenerator;

import java.time.Duration;
import java.util.Set;

/** Picks the worker's image generator by name (SDBOT_GENERATOR). */
public final class Generators {
    private Generators() {
    }

    public static ImageGenerator create(SdbotConfig config) {
        if ("test-pattern".equals(config.generator())) {
            return new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL, config.defaultModel()),
                    Duration.ofMillis(config.testPatternStepMillis()));
        }
        throw new IllegalArgumentException("unknown generator '" + config.generator() + "' (SDBOT_GENERATOR), available: test-pattern");
    }
}
