package dev.sdbot.bot.cli;

import dev.sdbot.db.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Applies pending database migrations and exits (start-up also migrates).")
final class MigrateCommand implements Callable<Integer> {
    @ParentCommand
    SdbotCommand root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Database db = Database.connect(root.config().database().settings())) {
            int applied = db.migrate();
            spec.commandLine().getOut().println("Applied " + applied + " migration(s) to " + db.describe() + "; the schema is up to date.");
        }
        return 0;
    }
}
