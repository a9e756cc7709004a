package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.commands.build.CommandData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Routes slash commands, autocomplete and button presses to the registered features. */
public final class InteractionRouter extends ListenerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(InteractionRouter.class);

    private final Map<String, SlashCommand> commands;
    private final Map<String, ButtonHandler> buttons;
    private final InteractionAckMeter acks;

    public InteractionRouter(List<SlashCommand> commands, List<ButtonHandler> buttons, InteractionAckMeter acks) {
        this.acks = acks;
        this.commands = commands.stream().collect(Collectors.toUnmodifiableMap(c -> c.data().getName(), Function.identity()));
        this.buttons = buttons.stream().collect(Collectors.toUnmodifiableMap(ButtonHandler::action, Function.identity()));
    }

    /** What to register with Discord. */
    public List<CommandData> commandData() {
        return commands.values().stream().<CommandData>map(SlashCommand::data).toList();
    }

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
        SlashCommand command = commands.get(event.getName());
        acks.received(event.getIdLong(), command == null ? "unknown" : "/" + event.getName());
        if (command == null) {
            event.reply("Unknown command.").setEphemeral(true).queue();
            return;
        }
        try {
            command.onSlashCommand(event);
        } catch (RuntimeException e) {
            LOG.error("/{} failed", event.getName(), e);
            Replies.error(event, "Something went wrong on our side; please try again.");
        }
    }

    @Override
    public void onCommandAutoCompleteInteraction(CommandAutoCompleteInteractionEvent event) {
        SlashCommand command = commands.get(event.getName());
        if (command != null) {
            command.onAutoComplete(event);
        }
    }

    @Override
    public void onButtonInteraction(ButtonInteractionEvent event) {
        Optional<JobButtonId> id = JobButtonId.parse(event.getComponentId());
        ButtonHandler handler = id.map(i -> buttons.get(i.action())).orElse(null);
        acks.received(event.getIdLong(), handler == null ? "unknown" : "button:" + id.get().action());
        if (handler == null) {
            event.reply("This button is no longer supported.").setEphemeral(true).queue();
            return;
        }
        try {
            handler.onButton(event, id.get());
        } catch (RuntimeException e) {
            LOG.error("button {} failed", event.getComponentId(), e);
            Replies.error(event, "Something went wrong on our side; please try again.");
        }
    }
}
