package dev.sdbot.bot.cli;

import dev.sdbot.bot.http.ProcessHttp;
import dev.sdbot.bot.runtime.DiscordStarter;
import dev.sdbot.bot.runtime.Generators;
import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.inference.api.ImageGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Runs everything in one process: database (embedded unless DATABASE_URL), scheduler, a local worker and, "
                + "with DISCORD_TOKEN, the Discord bot.")
final class StartCommand implements Callable<Integer> {
    static final String READY = "sdbot is running";

    @ParentCommand
    SdbotCommand root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.Option(names = "--no-worker",
            description = "Run no local worker (the GPU workers are separate 'sdbot worker' processes).")
    boolean noWorker;
    @CommandLine.Option(names = "--no-scheduler",
            description = "Run no scheduler node (the nodes are separate 'sdbot scheduler' processes; e.g. several bot "
                    + "processes with shard ranges beside two scheduler nodes).")
    boolean noScheduler;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // before the database: a bad generator setting (e.g. an unusable safety checker) fails at once
        ImageGenerator generator = noWorker ? null : root.generator();
        SdbotRuntime runtime = null;
        try {
            runtime = SdbotRuntime.open(root.config(), root.clock());
            Optional<ProcessHttp> http = ProcessHttp.start(runtime, roles(), true, out);
            if (!noScheduler) {
                runtime.startScheduler();
            }
            if (generator != null) {
                runtime.startWorker(generator);
            }
            out.println(READY + ": database " + runtime.database().describe() + ", scheduler node "
                    + runtime.scheduler().map(n -> n.quartzInstanceId()).orElse("none (--no-scheduler)") + ", worker "
                    + runtime.worker().map(w -> w.id()).orElse("none (--no-worker)"));
            startDiscord(runtime, out, http);
            out.flush();
        } catch (Exception | Error e) {
            if (runtime != null) {
                runtime.close();
            }
            if (generator != null) {
                generator.close(); // the runtime may not have taken it yet (closing twice is harmless)
            }
            throw e;
        }
        return ServiceCommands.runUntilStopped(runtime, out);
    }

    /** What /ready waits for in this process. */
    private Set<ProcessHttp.Role> roles() {
        Set<ProcessHttp.Role> roles = EnumSet.noneOf(ProcessHttp.Role.class);
        if (!noScheduler) {
            roles.add(ProcessHttp.Role.SCHEDULER);
        }
        if (!noWorker) {
            roles.add(ProcessHttp.Role.WORKER);
        }
        if (root.config().discord().hasToken()) {
            roles.add(ProcessHttp.Role.DISCORD);
        }
        return roles;
    }

    private static void startDiscord(SdbotRuntime runtime, PrintWriter out, Optional<ProcessHttp> http) throws Exception {
        if (!runtime.config().discord().hasToken()) {
            out.println("Not connected to Discord: DISCORD_TOKEN is not set. Jobs can still be submitted with "
                    + "'./sdbot jobs submit --prompt ...'. To connect Discord, create a bot at "
                    + "https://discord.com/developers/applications, invite it with the applications.commands and bot scopes, "
                    + "then set DISCORD_TOKEN (environment, or discordToken in sdbot.yaml) and run './sdbot start' again.");
            return;
        }
        Optional<DiscordStarter> starter = ServiceLoader.load(DiscordStarter.class).findFirst();
        if (starter.isEmpty()) {
            out.println("DISCORD_TOKEN is set, but this build has no Discord adapter; running without Discord.");
            return;
        }
        AutoCloseable bot = starter.get().start(runtime);
        runtime.own(bot);
        http.ifPresent(server -> server.discordStarted(bot));
        out.println("Connected to Discord.");
    }
}
