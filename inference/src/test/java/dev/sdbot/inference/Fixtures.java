package dev.sdbot.inference;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared reference models live: ../shared/fixtures/ldm relative to the repository root. */
public final class Fixtures {
    public static final Path LDM = locate();

    private Fixtures() {
    }

    private static Path locate() {
        String override = System.getProperty("sdbot.fixtures", System.getenv("SDBOT_FIXTURES"));
        if (override != null) {
            return Path.of(override);
        }
        // Tests run with the module directory as working directory; the repo root is its parent.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("fixtures").resolve("ldm");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("fixtures not found beside the repository (../shared/fixtures/ldm): set "
                + "SDBOT_FIXTURES or -Dsdbot.fixtures=/path/to/shared/fixtures/ldm");
    }
}
