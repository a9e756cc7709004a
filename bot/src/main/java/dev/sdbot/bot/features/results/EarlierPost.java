package dev.sdbot.bot.features.results;

import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.exceptions.InsufficientPermissionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Finds a result the bot already posted for a job among the channel's recent messages: its own message whose
 * embed footer names the job ({@link ResultMessages}). Discord's enforce_nonce de-duplicates only for a few
 * minutes, so a bot that crashed after Discord accepted the post but before it recorded POSTED, and comes back
 * later, would otherwise post a second copy.
 */
final class EarlierPost {
    private static final Logger LOG = LoggerFactory.getLogger(EarlierPost.class);
    /** How far back to look: one page of history, Discord's maximum. */
    static final int RECENT_MESSAGES = 100;

    private EarlierPost() {
    }

    static Optional<Long> find(GuildMessageChannel channel, long jobId) {
        String footer = ResultMessages.footer(jobId);
        try {
            long self = channel.getJDA().getSelfUser().getIdLong();
            return channel.getHistory().retrievePast(RECENT_MESSAGES).complete().stream()
                    .filter(m -> m.getAuthor().getIdLong() == self && carries(m, footer))
                    .map(Message::getIdLong)
                    .findFirst();
        } catch (InsufficientPermissionException e) {
            // without Read Message History the nonce is the only guard left
            LOG.info("cannot look for an earlier post of job {} in channel {}: {}", jobId, channel.getIdLong(), e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean carries(Message message, String footer) {
        return message.getEmbeds().stream().map(MessageEmbed::getFooter)
                .anyMatch(f -> f != null && footer.equals(f.getText()));
    }
}
