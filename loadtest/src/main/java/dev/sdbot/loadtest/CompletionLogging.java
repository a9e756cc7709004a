package dev.sdbot.loadtest;

import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A worker's generator that appends {@code <seed> <pid> <epoch millis>} to a log for every generation that ran to the
 * end, so that the soak can count the executions of each job across processes ({@link CompletionLog}).
 */
final class CompletionLogging extends ForwardingGenerator {
    private final Path log;

    CompletionLogging(ImageGenerator generator, Path log) {
        super(generator);
        this.log = log;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        GenerationResult result = generator.generate(request, listener);
        // one short line per write with O_APPEND: lines from concurrent slots and processes do not interleave
        String line = (request.seed() == null ? 0 : request.seed()) + " " + ProcessHandle.current().pid() + " "
                + System.currentTimeMillis() + "\n";
        try {
            Files.writeString(log, line, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new GenerationException("cannot write the completion log " + log + ": " + e.getMessage(), e);
        }
        return result;
    }
}
