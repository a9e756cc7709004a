package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.features.imagine.ImagineDefaults;
import dev.sdbot.db.entity.GuildSettings;
import dev.sdbot.inference.api.GenerationRequest;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The text of {@code /admin settings}: the guild's effective settings and the models no checker covers. */
final class SettingsView {
    private SettingsView() {
    }

    static String describe(ImagineDefaults d, GuildSettings s, Set<String> uncheckedModels) {
        StringBuilder text = new StringBuilder("**Settings of this server**\n");
        text.append("• Defaults for /imagine: model `").append(d.model()).append("`, sampler ").append(d.sampler().displayName())
                .append(", ").append(d.steps()).append(" steps, CFG ").append(String.format(Locale.ROOT, "%.1f", d.cfgScale()))
                .append(", ").append(d.width()).append('x').append(d.height())
                .append(d.clipSkip() > 1 ? ", clip skip " + d.clipSkip() : "").append('\n');
        text.append("• Negative-prompt prefix: ")
                .append(s.getNegativePromptPrefix().isEmpty() ? "none" : "`" + s.getNegativePromptPrefix() + "`").append('\n');
        long[] channels = s.getImagineChannelIds();
        text.append("• /imagine channels: ").append(channels.length == 0 ? "everywhere"
                : Arrays.stream(channels).mapToObj(id -> "<#" + id + ">").collect(Collectors.joining(", "))).append('\n');
        text.append("• Models allowed: ").append(names(s.getAllowedModels(), "any")).append('\n');
        text.append("• LoRAs allowed: ").append(names(s.getAllowedLoras(), "any")).append('\n');
        text.append("• Progress previews: ").append(s.isPreviewsEnabled() ? "on" : "off").append('\n');
        text.append("• Unchecked images: ").append(s.isAllowUnchecked()
                ? "allowed (handled like clean ones)" : "handled like flagged ones in ordinary channels").append('\n');
        text.append("• NSFW threshold shift: ").append(String.format(Locale.ROOT, "%+.2f", s.getNsfwThresholdShift()))
                .append(" (set with `/mod nsfw`)\n");
        text.append("• Moderator role: ").append(s.getModeratorRoleId() == null ? "none (Manage Messages only)"
                : "<@&" + s.getModeratorRoleId() + ">").append('\n');
        text.append("• Limits: ").append(d.maxPixels()).append(" pixels per image (")
                .append(side(d.maxPixels())).append("), ")
                .append(s.getMaxSteps() == null ? GenerationRequest.MAX_STEPS : s.getMaxSteps()).append(" steps, ")
                .append(s.getMaxImages() == null ? GenerationRequest.MAX_COUNT : s.getMaxImages()).append(" image(s) per request");
        if (!uncheckedModels.isEmpty()) {
            text.append("\n⚠️ **Models without a safety checker:** ")
                    .append(uncheckedModels.stream().map(m -> "`" + m + "`").collect(Collectors.joining(", ")))
                    .append(". Images of these are UNCHECKED: blocked in ordinary channels unless unchecked images are allowed.");
        }
        return text.toString();
    }

    /** A square of the same area, to make a pixel count readable. */
    private static String names(List<String> names, String unset) {
        if (names == null) {
            return unset;
        }
        return names.isEmpty() ? "none" : names.stream().map(n -> "`" + n + "`").collect(Collectors.joining(", "));
    }

    private static String side(long pixels) {
        long side = (long) Math.sqrt(pixels);
        return "about " + side + "x" + side;
    }
}
