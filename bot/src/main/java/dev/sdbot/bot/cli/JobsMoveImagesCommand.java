package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.scheduler.store.LegacyImageMover;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "move-images", mixinStandardHelpOptions = true,
        description = "Moves the images that job rows written before the image store still hold in the database (result"
                + " PNGs, init images, masks) into the configured image store, then clears them from the rows. Resumable:"
                + " run it again after an interruption; safe while the bot runs.")
final class JobsMoveImagesCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dry-run", description = "Only count the rows and bytes that would move.")
    boolean dryRun;

    @Option(names = "--batch", defaultValue = "50", description = "Rows read per query (their images are held in memory"
            + " together; default ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        try (SdbotRuntime runtime = jobs.openRuntime()) {
            LegacyImageMover mover = new LegacyImageMover(runtime.database().dataSource(), runtime.images());
            PrintWriter out = spec.commandLine().getOut();
            LegacyImageMover.Count count = dryRun ? mover.count() : mover.moveAll(batch);
            String verb = dryRun ? "would move" : "moved";
            out.println(verb + " " + count.results() + " result image(s), " + count.resultBytes() + " bytes");
            out.println(verb + " the input images of " + count.jobs() + " job(s), " + count.inputBytes() + " bytes");
            out.println((dryRun ? "to " : "into ") + runtime.images().describe());
            out.flush();
        }
        return 0;
    }
}
