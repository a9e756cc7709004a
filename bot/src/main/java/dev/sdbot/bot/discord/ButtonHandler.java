package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;

/** Handles presses of the result buttons with one action ({@code job:<id>:<action>}). */
public interface ButtonHandler {

    /** The action part of the custom id this handler answers ("reroll", "delete"...). */
    String action();

    /** Handles a press; the id is already parsed. Must acknowledge at once. */
    void onButton(ButtonInteractionEvent event, JobButtonId id);
}
