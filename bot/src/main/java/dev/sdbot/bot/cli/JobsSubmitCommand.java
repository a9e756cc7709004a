package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.QuotaExceededException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "submit", mixinStandardHelpOptions = true, description = "Queues generation jobs.")
final class JobsSubmitCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--prompt", required = true, description = "Prompt.")
    String prompt;
    @Option(names = "--negative", defaultValue = "", description = "Negative prompt.")
    String negative;
    @Option(names = "--model", description = "Model name (default: the configured default model).")
    String model;
    @Option(names = "--sampler", defaultValue = "euler_a", description = "Sampler id (${DEFAULT-VALUE}).")
    String sampler;
    @Option(names = "--steps", defaultValue = "20", description = "Denoising steps (${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--cfg", defaultValue = "7.0", description = "Guidance scale (${DEFAULT-VALUE}).")
    double cfg;
    @Option(names = "--width", defaultValue = "512")
    int width;
    @Option(names = "--height", defaultValue = "512")
    int height;
    @Option(names = "--seed", description = "Seed (random when omitted).")
    Long seed;
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

    @Override
    public Integer call() throws QuotaExceededException {
        Sampler parsedSampler = Sampler.fromId(sampler); // before touching the database: bad input changes nothing
        try (SdbotRuntime runtime = jobs.openRuntime()) {
            GenerationRequest request = new GenerationRequest(prompt, negative, model != null ? model : runtime.config().defaultModel(),
                    parsedSampler, steps, cfg, width, height, seed, images, null, 0.75, null, 1);
            List<Long> ids = runtime.jobs().submitCopies(
                    new JobSubmission(request, JobOrigin.cli(guild, user), roles, priority), count);
            PrintWriter out = spec.commandLine().getOut();
            if (ids.size() <= 20) {
                ids.forEach(id -> out.println("queued job " + id));
            } else {
                out.println("queued " + ids.size() + " jobs (" + ids.get(0) + " to " + ids.get(ids.size() - 1) + ")");
            }
            out.flush();
        }
        return 0;
    }
}
