package dev.sdbot.bot.features.imagine;

import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.scheduler.JobService;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which model fills an outpainted canvas: an inpainting model (9-channel UNet) that a live worker has, of the source
 * model's family and allowed in the guild, when there is one (one named like the source, {@code <model>-inpainting},
 * first), else the source model itself, which then inpaints by masked img2img. A model whose family no worker
 * announced gets no inpainting model: one of another family would not understand its prompt.
 */
public final class InpaintModels {
    private final JobService jobs;
    private final GuildSettingsStore settings;
    private final Clock clock;

    public InpaintModels(JobService jobs, GuildSettingsStore settings, Clock clock) {
        this.jobs = jobs;
        this.settings = settings;
        this.clock = clock;
    }

    String forOutpainting(long guildId, String model) {
        Set<String> inpainting = jobs.inpaintingModels();
        if (inpainting.contains(model)) {
            return model;
        }
        Map<String, ModelFamily> families = jobs.modelFamilies();
        ModelFamily family = families.get(model);
        List<String> allowed = settings.get(guildId, clock.instant()).getAllowedModels();
        return inpainting.stream()
                .filter(m -> family != null && family == families.get(m))
                .filter(m -> allowed == null || allowed.contains(m))
                .min(Comparator.comparing((String m) -> !m.startsWith(model)).thenComparing(m -> m))
                .orElse(model);
    }
}
