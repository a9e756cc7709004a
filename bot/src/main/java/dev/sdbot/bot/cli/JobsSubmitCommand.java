package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.QuotaExceededException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Override
    public Integer call() throws QuotaExceededException {
        Sampler parsedSampler = options.parsedSampler(); // before touching the database: bad input changes nothing
        try (SdbotRuntime runtime = jobs.openRuntime()) {
            GenerationRequest request = options.request(model != null ? model : runtime.config().models().defaultModel(),
                    parsedSampler, images, null, 0.75, null, 1);
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
