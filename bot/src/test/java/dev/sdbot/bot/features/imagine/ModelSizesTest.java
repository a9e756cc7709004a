package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.inference.api.ModelFamily;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelSizesTest {

    @Test
    void choicesAreEveryFamilysSizesWithinDiscordsLimit() {
        assertThat(ModelSizes.CHOICES).startsWith("512x512").contains("1024x1024", "1344x768", "768x1344")
                .doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(25);
    }

    @Test
    void withoutASizeAnSdxlModelTakesItsFamilysDefaultUnlessTheGuildDefaultSuitsIt() {
        assertThat(ModelSizes.choose("xl", ModelFamily.SDXL, null, 512, 512)).containsExactly(1024, 1024);
        assertThat(ModelSizes.choose("xl", ModelFamily.SDXL, null, 1216, 832)).containsExactly(1216, 832);
        assertThat(ModelSizes.choose("sd", ModelFamily.SD1, null, 512, 512)).containsExactly(512, 512);
        assertThat(ModelSizes.choose("unknown", null, null, 64, 64)).containsExactly(64, 64);
    }

    @Test
    void aSizeMustSuitTheFamily() {
        assertThat(ModelSizes.choose("xl", ModelFamily.SDXL, "832x1216", 512, 512)).containsExactly(832, 1216);
        assertThatThrownBy(() -> ModelSizes.choose("xl", ModelFamily.SDXL, "768x768", 512, 512))
                .isInstanceOf(Rejection.class).hasMessageContaining("`xl` is an SDXL model")
                .hasMessageContaining("1024x1024, 1152x896").hasMessageContaining("not 768x768");
        assertThatThrownBy(() -> ModelSizes.choose("sd", ModelFamily.SD1, "1344x768", 512, 512))
                .isInstanceOf(Rejection.class).hasMessageContaining("SD 1.x");
        assertThat(ModelSizes.choose("unknown", null, "100x60", 512, 512)).containsExactly(100, 60);
    }

    @Test
    void garbageIsRefused() {
        assertThatThrownBy(() -> ModelSizes.choose("unknown", null, "big", 512, 512))
                .isInstanceOf(Rejection.class).hasMessageContaining("must look like 1024x1024");
    }
}
