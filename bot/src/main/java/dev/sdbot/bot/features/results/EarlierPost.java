package dev.sdbot.bot.features.results;

import dev.sdbot.scheduler.JobService;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.MessageHistory;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.exceptions.InsufficientPermissionException;
import net.dv8tion.jda.api.utils.TimeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Finds a result the bot already posted for a job: its own message whose embed footer names the job
 * ({@link ResultMessages}). Discord's enforce_nonce de-duplicates only for a few minutes, so a bot that crashed after
 * Discord accepted the post but before it recorded POSTED, and comes back later, would otherwise post a second copy.
 * The search reads the channel's history forward from the first earlier try (recorded before each try), page after
 * page, until the messages are newer than the last try could have made: however busy the channel was since, the
 * post is found; a job never tried before needs no search at all.
 */
final class EarlierPost {
    private static final Logger LOG = LoggerFactory.getLogger(EarlierPost.class);
    /** Discord's largest page of history. */
    static final int PAGE = 100;
    /** Clocks (the database's, Discord's) may disagree by this much. */
    static final Duration CLOCK_SLACK = Duration.ofMinutes(1);
    /** A try's request (with JDA's own retries) is over well within this. */
    static final Duration TRY_LENGTH = Duration.ofMinutes(5);
    /** At most this many pages (10 000 messages) are read. */
    static final int MAX_PAGES = 100;

    private EarlierPost() {
    }

    static Optional<Long> find(GuildMessageChannel channel, long jobId, JobService.PostTries tries) {
        String footer = ResultMessages.footer(jobId);
        long self = channel.getJDA().getSelfUser().getIdLong();
        long after = TimeUtil.getDiscordTimestamp(tries.first().minus(CLOCK_SLACK).toEpochMilli());
        Instant until = tries.last().plus(TRY_LENGTH).plus(CLOCK_SLACK);
        try {
            MessageHistory history = channel.getHistoryAfter(after, PAGE).complete();
            List<Message> page = history.getRetrievedHistory();
            for (int pages = 1; ; pages++) {
                Optional<Long> found = page.stream().filter(m -> m.getAuthor().getIdLong() == self && carries(m, footer))
                        .map(Message::getIdLong).findFirst();
                if (found.isPresent() || page.size() < PAGE || pages >= MAX_PAGES
                        || page.stream().anyMatch(m -> m.getTimeCreated().toInstant().isAfter(until))) {
                    return found;
                }
                page = history.retrieveFuture(PAGE).complete();
            }
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
