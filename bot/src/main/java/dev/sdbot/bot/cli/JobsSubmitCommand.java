package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.model.ModelDefaults;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.JobView;
import dev.sdbot.scheduler.QuotaExceededException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "submit", mixinStandardHelpOptions = true, description = "Queues generation jobs.")
final class JobsSubmitCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    GenerationOptions options;
    @Option(names = "--model", description = "Model name (default: the configured default model).")
    String model;
    @Option(names = "--images", defaultValue = "1", description = "Images per job (1-4).")
    int images;
    @Option(names = "--count", defaultValue = "1", description = "Number of jobs to queue (${DEFAULT-VALUE}).")
    int count;
    @Option(names = "--user", defaultValue = "0", description = "Requesting user id (${DEFAULT-VALUE}).")
    long user;
    @Option(names = "--guild", defaultValue = "0", description = "Guild id (${DEFAULT-VALUE}).")
    long guild;
    @Option(names = "--role", split = ",", description = "Requester's role ids (for role quotas).")
    List<Long> roles = List.of();
    @Option(names = "--priority", defaultValue = "0", description = "Priority (${DEFAULT-VALUE}); higher goes first.")
    int priority;
    @Option(names = "--wait", description = "Wait until every job has ended and print how; refused (nothing queued) when no "
            + "live worker serves the model. Exit 1 when a job did not succeed.")
    boolean await;

    private static final Duration POLL = Duration.ofMillis(500);

    @Override
    public Integer call() throws QuotaExceededException {
        options.parsedSampler(); // before touching the database: bad input changes nothing
        try (SdbotRuntime runtime = jobs.openRuntime()) {
            String modelName = model != null ? model : runtime.config().models().defaultModel();
            GenerationRequest request = options.request(modelName, ModelDefaults.NONE, images, null, 0.75, null, 1);
            checkServed(modelName, runtime.jobs().availableModels());
            List<Long> ids = runtime.jobs().submitCopies(
                    new JobSubmission(request, JobOrigin.cli(guild, user), roles, priority), count);
            PrintWriter out = spec.commandLine().getOut();
            if (ids.size() <= 20) {
                ids.forEach(id -> out.println("queued job " + id));
            } else {
                out.println("queued " + ids.size() + " jobs (" + ids.get(0) + " to " + ids.get(ids.size() - 1) + ")");
            }
            out.flush();
            return await ? awaitEnd(runtime, ids, out) : 0;
        }
    }

    /**
     * A model no live worker serves (e.g. the configured default on a worker with other models) would leave the jobs
     * QUEUED without a word: a warning says so, and with --wait (which would wait forever) nothing is queued.
     */
    private void checkServed(String modelName, Set<String> served) {
        if (served.contains(modelName)) {
            return;
        }
        String why = "no live worker serves model '" + modelName + "'"
                + (model == null ? " (the default model, SDBOT_DEFAULT_MODEL)" : "") + "; live workers serve: "
                + (served.isEmpty() ? "none (start one: ./sdbot worker, or ./sdbot start)" : String.join(", ", served));
        if (await) {
            throw new IllegalArgumentException(why + ". Nothing queued: --wait would wait forever (pick one with --model)");
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("warning: " + why + ". The job(s) wait in QUEUED until a worker with it starts.");
        err.flush();
    }

    /** Polls until every job has ended; prints each one's end. */
    private int awaitEnd(SdbotRuntime runtime, List<Long> ids, PrintWriter out) {
        boolean allSucceeded = true;
        for (long id : ids) {
            JobView job = runtime.jobs().find(id).orElseThrow();
            while (job.state().isActive()) {
                sleep();
                job = runtime.jobs().find(id).orElseThrow();
            }
            boolean succeeded = job.state() == JobState.SUCCEEDED || job.state() == JobState.POSTED;
            allSucceeded &= succeeded;
            out.println("job " + id + " " + job.state() + (job.error() != null ? ": " + job.error() : "")
                    + (succeeded ? " (./sdbot jobs show " + id + " --out DIR writes its images)" : ""));
            out.flush();
        }
        return allSucceeded ? 0 : 1;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the jobs", e);
        }
    }
}
