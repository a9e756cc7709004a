package dev.sdbot.inference.sampling;

import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.model.SchedulerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spacings the fixtures do not cover, against values worked out from diffusers' set_timesteps. */
class TimestepSpacingTest {

    private static SchedulerConfig config(String spacing) {
        SchedulerConfig sd = SchedulerConfig.stableDiffusion(SchedulerConfig.EPSILON);
        return new SchedulerConfig(sd.numTrainTimesteps(), sd.betaSchedule(), sd.betaStart(), sd.betaEnd(),
                sd.predictionType(), sd.stepsOffset(), spacing, false, false, true);
    }

    @Test
    void trailingEndsAtTheLastTrainingStep() {
        // np.round(np.arange(1000, 0, -100)) - 1
        assertThat(Samplers.create(Sampler.DDIM_DIFFUSERS, config("trailing"), 10).timesteps())
                .containsExactly(999, 899, 799, 699, 599, 499, 399, 299, 199, 99);
    }

    @Test
    void dpmLeadingUsesStepsPlusOneIntervals() {
        // 1000 // 11 = 90; (arange(11) * 90)[::-1][:-1] + steps_offset
        assertThat(Samplers.create(Sampler.DPMPP_2M_DIFFUSERS, config("leading"), 10).timesteps())
                .containsExactly(901, 811, 721, 631, 541, 451, 361, 271, 181, 91);
    }

    @Test
    void leadingEulerStartsAboveTheLargestSigma() {
        DiffusionSampler euler = Samplers.create(Sampler.EULER_DIFFUSERS, config("leading"), 10);
        float maxSigma = ((SigmaSampler) euler).sigmas()[0];
        assertThat(euler.timesteps()[0]).isEqualTo(901);
        assertThat(euler.initNoiseSigma()).isEqualTo((float) Math.sqrt(maxSigma * maxSigma + 1f));
    }

    @Test
    void plmsWithOneStepCallsTheModelOnce() {
        assertThat(Samplers.create(Sampler.PLMS_DIFFUSERS, config(null), 1).timesteps()).containsExactly(1);
    }

    @Test
    void badSettingsAreClearErrors() {
        assertThatThrownBy(() -> Samplers.create(Sampler.DDIM_DIFFUSERS, config("sideways"), 10))
                .hasMessageContaining("timestep_spacing 'sideways'");
        assertThatThrownBy(() -> Samplers.create(Sampler.DDIM_DIFFUSERS, config(null), 0)).hasMessageContaining("steps");
    }
}
