package dev.sdbot.bot.features.help;

import dev.sdbot.bot.discord.SlashCommand;

import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** {@code /help}: what the bot does and how to use it (ephemeral). */
public final class HelpCommand implements SlashCommand {
    static final String TEXT = """
            **sdbot** draws pictures from text with Stable Diffusion.
            `/imagine prompt:<text>` — generate; options: negative, size, steps, cfg, sampler, seed, model, \
            count (1–4), image + strength (img2img), mask (inpainting).
            Prompts take A1111's syntax: `(word:1.3)`, `[word]`, `BREAK`; long prompts are not cut.
            Results come with buttons (yours only): 🔁 Reroll, 🎨 Variations, ⬆ Upscale, 🗑 Delete, \
            🔍 Zoom out 2×/1.5× and ⬅️➡️⬆️⬇️ Pan (paint more around the picture, which stays as it is).
            `/upscale image:<attachment>` — enlarge an image 2x or 4x with an ESRGAN upscaler.
            `/queue` — your jobs and the queue depth · `/cancel [job]` — cancel a job · `/quota` — your use today.
            Moderators: `/mod filter|nsfw|log|block|unblock` · admins: `/admin usage|export|quota|settings`.""";

    private final Supplier<Set<String>> uncheckedModels;

    /** @param uncheckedModels the models live workers run without a safety checker ({@code JobService::uncheckedModels}) */
    public HelpCommand(Supplier<Set<String>> uncheckedModels) {
        this.uncheckedModels = uncheckedModels;
    }

    @Override
    public SlashCommandData data() {
        return Commands.slash("help", "How to use sdbot");
    }

    @Override
    public void onSlashCommand(SlashCommandInteractionEvent event) {
        event.reply(TEXT + uncheckedNote()).setEphemeral(true).queue();
    }

    private String uncheckedNote() {
        Set<String> unchecked;
        try {
            unchecked = uncheckedModels.get();
        } catch (RuntimeException e) {
            return "\n⚠️ I couldn't check right now which models have no safety checker.";
        }
        return unchecked.isEmpty() ? "" : "\n⚠️ No safety checker for: "
                + unchecked.stream().map(m -> "`" + m + "`").collect(Collectors.joining(", "))
                + ". Their images are unchecked and are not posted in ordinary channels unless this server allows it.";
    }
}
