package dev.sdbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sdbot.inference.api.Sampler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every A1111 sampler is a choice of /imagine's sampler option (A1111 name shown, id sent) and reaches the job. */
class SamplerChoicesEndToEndTest extends EndToEndTest {

    @Test
    void everySamplerIsAnImagineChoiceAndANewOneReachesTheJob() {
        JsonNode sampler = null;
        for (JsonNode command : harness.discord.registeredCommands("global")) {
            if (command.path("name").asText().equals("imagine")) {
                for (JsonNode option : command.path("options")) {
                    if (option.path("name").asText().equals("sampler")) {
                        sampler = option;
                    }
                }
            }
        }
        assertThat(sampler).as("/imagine sampler option").isNotNull();
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        sampler.path("choices").forEach(c -> {
            names.add(c.path("name").asText());
            values.add(c.path("value").asText());
        });
        // A1111's samplers (Discord allows 25 choices); the diffusers 0.21 variants stay on the CLI and for jobs
        assertThat(values).hasSizeLessThanOrEqualTo(25)
                .containsExactlyElementsOf(Arrays.stream(Sampler.values()).filter(Sampler::isA1111).map(Sampler::id).toList())
                .contains("euler", "euler_a", "dpmpp_2m", "lcm").noneMatch(id -> id.endsWith("_diffusers"));
        assertThat(names).contains("Heun", "DPM2", "DPM++ 2M SDE", "DPM++ SDE Karras", "UniPC", "Euler a Karras",
                "Euler a", "DPM++ 2M");

        harness.imagine(guild.bob, guild.general, "prompt", "a fox in snow", "sampler", "dpmpp_sde_karras");
        await().atMost(Duration.ofSeconds(20)).until(() -> db.queryLong(
                "SELECT count(*) FROM jobs WHERE prompt = 'a fox in snow' AND sampler = 'dpmpp_sde_karras'") == 1);
    }
}
