package dev.sdbot.bot;

import java.nio.file.Files;
import java.nio.file.Path;

/** The reference models under shared/fixtures/ldm (override with -Dsdbot.fixtures or SDBOT_FIXTURES). */
public final class BotFixtures {
    public static final Path LDM = locate();

    private BotFixtures() {
    }

    private static Path locate() {
        String override = System.getProperty("sdbot.fixtures", System.getenv("SDBOT_FIXTURES"));
        if (override != null) {
            return Path.of(override);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("fixtures").resolve("ldm");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("fixtures not found: set -Dsdbot.fixtures=/path/to/shared/fixtures/ldm");
    }
}
