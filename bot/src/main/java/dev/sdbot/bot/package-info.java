/**
 * The Discord bot and the {@code ./sdbot} launcher. {@link dev.sdbot.bot.DiscordBot} wires the features into
 * one JDA client.
 * <p>Features, one package each under {@code features}: {@code imagine} (/imagine and the result buttons),
 * {@code results} (progress and posted results), {@code nsfw} (what a channel may show), {@code moderation}
 * (/mod: prompt filters, blocks, audit trail, mod log), {@code admin} (/admin: usage, quotas, settings),
 * {@code queue} (/queue, /cancel, /quota), {@code help} (/help), {@code console} (the admin web console).
 * <p>Infrastructure below them: {@code discord} (JDA adapter, interaction router, command and button
 * interfaces, replies, staff access), {@code cli} (the commands of {@code ./sdbot}), {@code config},
 * {@code runtime} (database, engines and scheduler of one process), {@code http} (ops endpoints), {@code models}
 * (model downloads). A feature may use infrastructure and the features below it, never the other way round.
 */
package dev.sdbot.bot;
