package dev.sdbot.scheduler;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler and its workers ask the engine through {@code dev.sdbot.inference.api} only: a worker runs whatever
 * {@link dev.sdbot.inference.api.ImageGenerator} it is given, and the queue's checks must not depend on how the
 * pipeline is built. Reads the sources, not the bytecode: javac copies constants (a folder name, a limit) into
 * the class that uses them, so the bytecode would not show such an import.
 */
class EngineApiOnlyTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern ENGINE_PACKAGE = Pattern.compile("\\bdev\\.sdbot\\.inference\\.([a-z]\\w*)");

    /**
     * Reach-ins not behind the api yet, as "file -> engine package": the checks before queueing read image headers
     * (ImageCodec, Masks); the request's own rules are GenerationRequest.problems().
     * Shrink this list, never grow it.
     */
    private static final Set<String> NOT_YET_BEHIND_THE_API = Set.of(
            "InputImages -> dev.sdbot.inference.image");

    @Test
    void schedulerMainCodeUsesOnlyTheEngineApi() throws IOException {
        assertThat(MAIN.resolve("dev/sdbot/scheduler/JobService.java")).as("run from the scheduler module").exists();
        Set<String> reachIns = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = ENGINE_PACKAGE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals("api")) {
                        reachIns.add(file.getFileName().toString().replace(".java", "") + " -> dev.sdbot.inference." + m.group(1));
                    }
                }
            }
        }
        assertThat(reachIns).as("scheduler sources using engine internals").isSubsetOf(NOT_YET_BEHIND_THE_API);
    }
}
