package dev.sdbot.bot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "version", mixinStandardHelpOptions = true, description = "Prints sdbot's version.")
final class VersionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static String version() {
        String v = SdbotCommand.class.getPackage().getImplementationVersion();
        return "sdbot " + (v == null ? "development build" : v) + " (Java " + Runtime.version() + ")";
    }

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(version());
        return 0;
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {version()};
        }
    }
}
