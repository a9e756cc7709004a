package dev.sdbot.bot.cli;

import dev.sdbot.bot.http.ProcessHttp;
import dev.sdbot.bot.features.console.AdminConsole;
import dev.sdbot.bot.features.console.ConsoleSessions;
import dev.sdbot.db.Database;
import dev.sdbot.db.store.ConsoleAccessStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Mints a one-time admin link for the console, for an operator with access to the database (the link lives there,
 * so the process serving the console accepts it). Printed here, on the operator's own terminal, never logged.
 */
@Command(name = "console-link", mixinStandardHelpOptions = true,
        description = {"Prints a new one-time admin link to the console (single use, valid 15 minutes, sees every guild).",
                "Needs the database sdbot uses (DATABASE_URL, or the embedded one of SDBOT_DATA_DIR).",
                "  docker compose exec bot /app/sdbot console-link"})
final class ConsoleLinkCommand implements Callable<Integer> {
    @ParentCommand
    SdbotCommand root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.Option(names = "--revoke-sessions",
            description = "First end every console session and every unused link (a leaked link or cookie).")
    boolean revoke;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Database db = Database.connect(root.config().database().settings())) {
            db.migrate(); // the links table comes with a migration: an older schema gets it here
            ConsoleAccessStore access = new ConsoleAccessStore(db.dataSource());
            if (revoke) {
                access.revokeAll();
                out.println("Every console session ends at its next request, and every unused admin link is void.");
            }
            String link = AdminConsole.newAdminLink(access, root.clock().instant());
            String base = root.config().http().enabled() || root.config().http().oauth().publicUrl() != null
                    ? ProcessHttp.consoleBase(root.config().http()) : "";
            out.println(base + link);
            if (base.isEmpty()) {
                out.println("(SDBOT_HTTP_PORT is not set here: put the console's address before the path)");
            }
            out.println("Single use, valid " + ConsoleSessions.ADMIN_LINK_VALIDITY.toMinutes() + " minutes, sees every guild;"
                    + " do not paste it where others can read it.");
        }
        return 0;
    }
}
