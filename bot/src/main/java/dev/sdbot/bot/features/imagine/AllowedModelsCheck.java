package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.db.entity.GuildSettings;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.inference.api.GenerationRequest;

import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The models and LoRAs the guild's admins allow ({@code /admin settings allowed_models / allowed_loras}): a concept
 * can ride on a file whose name is innocent, so a guild may list the files it trusts. Unset means any. The LoRAs are
 * the prompt's tags as the engine reads them ({@link GenerationRequest#loraNames()}), the {@code lora} option included; applies to
 * every button too.
 */
public final class AllowedModelsCheck implements SubmitCheck {
    private final GuildSettingsStore settings;
    private final Clock clock;

    public AllowedModelsCheck(GuildSettingsStore settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public GenerationRequest check(Submitter submitter, GenerationRequest request, List<String> notices) {
        GuildSettings s = settings.get(submitter.guildId(), clock.instant());
        List<String> models = s.getAllowedModels();
        // an upscale job runs no model (it names the one of its source image, if any, for the safety checker)
        if (models != null && !request.isUpscale() && !models.contains(request.model())) {
            throw new Rejection("🚫 This server doesn't allow the model `" + request.model() + "`; allowed: "
                    + list(models) + ".");
        }
        List<String> loras = s.getAllowedLoras();
        if (loras != null) {
            for (String name : request.loraNames()) {
                if (!loras.contains(name)) {
                    throw new Rejection("🚫 This server doesn't allow the LoRA `" + name + "`; allowed: "
                            + (loras.isEmpty() ? "none" : list(loras)) + ".");
                }
            }
        }
        return request;
    }

    private static String list(List<String> names) {
        return names.stream().map(n -> "`" + n + "`").collect(Collectors.joining(", "));
    }
}
