package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobView;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jobs show ID [--out DIR]}: one job, and its images written out as PNG files (a CLI job's way out). */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Prints a job (state, request, images) and, with --out, writes its images to DIR as job-ID-N.png.")
final class JobsShowCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Job id.")
    long jobId;
    @Option(names = "--out", paramLabel = "DIR", description = "Folder to write the job's PNGs to (created if missing).")
    Path out;

    @Override
    public Integer call() throws IOException {
        try (SdbotRuntime runtime = jobs.openRuntime()) {
            JobView job = runtime.jobs().find(jobId)
                    .orElseThrow(() -> new IllegalArgumentException("no job " + jobId));
            List<JobResult> results = runtime.jobs().results(jobId);
            PrintWriter printed = spec.commandLine().getOut();
            print(job, results, printed);
            if (out != null) {
                write(job, results, printed);
            }
            printed.flush();
            return 0;
        }
    }

    private static void print(JobView job, List<JobResult> results, PrintWriter out) {
        GenerationRequest r = job.request();
        out.println("job " + job.id() + " " + job.state() + (job.error() != null ? ": " + job.error() : ""));
        out.println("prompt      " + r.prompt());
        if (!r.negativePrompt().isEmpty()) {
            out.println("negative    " + r.negativePrompt());
        }
        out.println("model       " + r.model() + ", " + r.width() + "x" + r.height() + ", " + r.steps() + " steps, "
                + r.sampler().displayName() + ", CFG " + r.cfgScale() + ", seed " + (r.seed() == null ? "random" : r.seed())
                + ", " + r.count() + " image(s)");
        out.println("attempt     " + job.attempt() + " of " + job.maxAttempts()
                + (job.workerId() != null ? " on worker " + job.workerId() : ""));
        out.println("created     " + job.createdAt() + (job.finishedAt() != null ? ", finished " + job.finishedAt() : ""));
        for (JobResult image : results) {
            out.println("image " + image.index() + "     seed " + image.seed() + ", safety " + image.safety()
                    + (image.png() == null ? ", removed by the retention purge" : ", " + image.png().length + " bytes"));
        }
    }

    /**
     * Writes every stored image, or none: each goes to a temporary file in DIR first and is renamed once all were
     * written, so a failure (a full disk, an unwritable folder) leaves nothing half-written.
     */
    private void write(JobView job, List<JobResult> results, PrintWriter printed) throws IOException {
        List<JobResult> stored = results.stream().filter(image -> image.png() != null).toList();
        if (stored.isEmpty()) {
            throw new IllegalArgumentException("job " + jobId + " has no stored images to write ("
                    + (results.isEmpty() ? "state " + job.state() : "removed by the retention purge") + ")");
        }
        List<Path> temporary = new ArrayList<>();
        try {
            Files.createDirectories(out);
            for (JobResult image : stored) {
                Path file = Files.createTempFile(out, ".job-" + jobId + "-", ".png.part");
                temporary.add(file);
                Files.write(file, image.png());
            }
            for (int i = 0; i < stored.size(); i++) {
                Path target = out.resolve("job-" + jobId + "-" + stored.get(i).index() + ".png");
                Files.move(temporary.get(i), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                printed.println("wrote " + target);
            }
        } catch (IOException e) {
            for (Path file : temporary) {
                Files.deleteIfExists(file);
            }
            throw new IllegalArgumentException("cannot write the images to " + out + ": " + e, e);
        }
    }
}
