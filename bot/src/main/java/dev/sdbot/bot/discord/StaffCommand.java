package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.DefaultMemberPermissions;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandGroupData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A staff command ({@code /mod}, {@code /admin}) made of {@link StaffSubcommand}s. Every invocation is
 * deferred ephemerally at once, then checked server-side by {@link StaffAccess} before any subcommand runs:
 * a member without the role is refused and nothing changes.
 */
public final class StaffCommand implements SlashCommand {
    private static final Logger LOG = LoggerFactory.getLogger(StaffCommand.class);

    private final String name;
    private final String description;
    private final StaffRole role;
    private final Map<String, StaffSubcommand> subcommands = new LinkedHashMap<>();
    private final StaffAccess access;
    private final Executor work;

    public StaffCommand(String name, String description, StaffRole role, List<StaffSubcommand> subcommands,
                        StaffAccess access, Executor work) {
        this.name = name;
        this.description = description;
        this.role = role;
        this.access = access;
        this.work = work;
        for (StaffSubcommand subcommand : subcommands) {
            if (this.subcommands.put(path(subcommand.group(), subcommand.data().getName()), subcommand) != null) {
                throw new IllegalArgumentException("duplicate subcommand " + subcommand.data().getName());
            }
        }
    }

    @Override
    public SlashCommandData data() {
        SlashCommandData data = Commands.slash(name, description)
                .setContexts(InteractionContextType.GUILD)
                .setDefaultPermissions(DefaultMemberPermissions.enabledFor(role.permission()));
        Map<String, SubcommandGroupData> groups = new LinkedHashMap<>();
        for (StaffSubcommand subcommand : subcommands.values()) {
            if (subcommand.group() == null) {
                data.addSubcommands(subcommand.data());
            } else {
                groups.computeIfAbsent(subcommand.group(), g -> new SubcommandGroupData(g, "/" + name + " " + g))
                        .addSubcommands(subcommand.data());
            }
        }
        groups.values().forEach(data::addSubcommandGroups);
        return data;
    }

    @Override
    public void onSlashCommand(SlashCommandInteractionEvent event) {
        event.deferReply(true).queue();
        work.execute(() -> event.getHook().editOriginal(answer(event)).queue());
    }

    private MessageEditData answer(SlashCommandInteractionEvent event) {
        try {
            if (!access.allows(event.getMember(), role)) {
                return StaffSubcommand.text("🚫 `/" + name + "` needs " + role.requirement() + " in this server.");
            }
            StaffSubcommand subcommand = subcommands.get(path(event.getSubcommandGroup(), event.getSubcommandName()));
            if (subcommand == null) {
                return StaffSubcommand.text("Unknown subcommand.");
            }
            return subcommand.run(event);
        } catch (Rejection e) {
            return StaffSubcommand.text(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} failed", event.getCommandString(), e);
            return StaffSubcommand.text("Something went wrong on our side; nothing was changed. Please try again.");
        }
    }

    @Override
    public void onAutoComplete(CommandAutoCompleteInteractionEvent event) {
        StaffSubcommand subcommand = subcommands.get(path(event.getSubcommandGroup(), event.getSubcommandName()));
        if (subcommand == null || !access.allows(event.getMember(), role)) {
            event.replyChoices().queue();
            return;
        }
        subcommand.onAutoComplete(event);
    }

    private static String path(String group, String subcommand) {
        return Objects.requireNonNullElse(group, "") + " " + subcommand;
    }
}
