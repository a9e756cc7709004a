package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.db.entity.QuotaScope;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;

import java.util.List;

/** Whom a quota rule is for: the guild default (neither option), a role, or a member (never both). */
record QuotaTarget(QuotaScope scope, long subjectId) {

    static List<OptionData> options(String what) {
        return List.of(new OptionData(OptionType.USER, "user", what + " of this member"),
                new OptionData(OptionType.ROLE, "role", what + " of members with this role"));
    }

    static QuotaTarget of(SlashCommandInteractionEvent event) {
        Long user = event.getOption("user", null, o -> o.getAsUser().getIdLong());
        Long role = event.getOption("role", null, o -> o.getAsRole().getIdLong());
        if (user != null && role != null) {
            throw new Rejection("⚠️ Give either `user` or `role`, not both (neither = the server default). Nothing was changed.");
        }
        return user != null ? new QuotaTarget(QuotaScope.USER, user)
                : role != null ? new QuotaTarget(QuotaScope.ROLE, role) : new QuotaTarget(QuotaScope.GUILD_DEFAULT, 0);
    }

    static String describe(QuotaScope scope, long subjectId) {
        return switch (scope) {
            case GUILD_DEFAULT -> "the server default";
            case ROLE -> "role <@&" + subjectId + ">";
            case USER -> "<@" + subjectId + ">";
        };
    }

    String describe() {
        return describe(scope, subjectId);
    }
}
