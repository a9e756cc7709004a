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
        assertThat(ModelSizes.choose("xl", ModelFamily.SDXL, null, null, 512, 512)).containsExactly(1024, 1024);
        assertThat(ModelSizes.choose("xl", ModelFamily.SDXL, null, null, 1216, 832)).containsExactly(1216, 832);
        assertThat(ModelSizes.choose("sd", ModelFamily.SD1, null, null, 512, 512)).containsExactly(512, 512);
        assertThat(ModelSizes.choose("unknown", null, null, null, 64, 64)).containsExactly(64, 64);
    }

    @Test
    void aSizeMustSuitTheFamily() {
        assertThat(ModelSizes.choose("xl", ModelFamily.SDXL, null, "832x1216", 512, 512)).containsExactly(832, 1216);
        assertThatThrownBy(() -> ModelSizes.choose("xl", ModelFamily.SDXL, null, "768x768", 512, 512))
                .isInstanceOf(Rejection.class).hasMessageContaining("`xl` is an SDXL model")
                .hasMessageContaining("1024x1024, 1152x896").hasMessageContaining("not 768x768");
        assertThatThrownBy(() -> ModelSizes.choose("sd", ModelFamily.SD1, null, "1344x768", 512, 512))
                .isInstanceOf(Rejection.class).hasMessageContaining("SD 1.x");
        assertThat(ModelSizes.choose("unknown", null, null, "100x60", 512, 512)).containsExactly(100, 60);
    }

    @Test
    void garbageIsRefused() {
        assertThatThrownBy(() -> ModelSizes.choose("unknown", null, null, "big", 512, 512))
                .isInstanceOf(Rejection.class).hasMessageContaining("must look like 1024x1024");
    }

    /** A model trained off its family's sizes (the tiny fixtures: 128 px) defaults to its own side and may use it. */
    @Test
    void aModelTrainedOffItsFamilysSizesDefaultsToItsOwnSide() {
        assertThat(ModelSizes.choose("mini", ModelFamily.SD1, 128, null, 512, 512)).containsExactly(128, 128);
        assertThat(ModelSizes.choose("mini", ModelFamily.SD1, 128, "128x128", 512, 512)).containsExactly(128, 128);
        assertThat(ModelSizes.choose("mini", ModelFamily.SD1, 128, "768x512", 512, 512)).containsExactly(768, 512);
        assertThatThrownBy(() -> ModelSizes.choose("mini", ModelFamily.SD1, 128, "256x256", 512, 512))
                .hasMessageContaining("it takes the sizes 128x128, 512x512");
        // trained at one of its family's sizes: the guild default applies as before
        assertThat(ModelSizes.choose("sd2", ModelFamily.SD2, 768, null, 512, 512)).containsExactly(512, 512);
        assertThat(ModelSizes.choose("xl", ModelFamily.SDXL, 1024, null, 1216, 832)).containsExactly(1216, 832);
    }
}
