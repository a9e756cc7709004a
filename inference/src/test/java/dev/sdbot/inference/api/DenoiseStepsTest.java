package dev.sdbot.inference.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against A1111's {@code setup_img2img_steps} and {@code sigma_sched = sigmas[steps - t_enc - 1:]} (values from its
 * Python run on this machine): (schedule steps, steps run, start index of the sigma schedule).
 */
class DenoiseStepsTest {
    private static void expect(DenoiseSteps plan, int schedule, int run, int start) {
        assertThat(plan).isEqualTo(new DenoiseSteps(schedule, run));
        assertThat(plan.startStep()).isEqualTo(start);
    }

    @Test
    void img2imgRunsOneStepMoreThanStrengthTimesSteps() {
        expect(DenoiseSteps.img2img(20, 0.5), 20, 11, 9);
        expect(DenoiseSteps.img2img(20, 1.0), 20, 20, 0);
        expect(DenoiseSteps.img2img(20, 0.0), 20, 1, 19);
        expect(DenoiseSteps.img2img(4, 0.5), 4, 3, 1);
        expect(DenoiseSteps.img2img(20, 0.75), 20, 16, 4);
        expect(DenoiseSteps.img2img(7, 0.3), 7, 3, 4);
    }

    @Test
    void hiresRunsAllItsStepsAtTheEndOfALongerSchedule() {
        expect(DenoiseSteps.hires(20, 0.5), 40, 20, 20);
        expect(DenoiseSteps.hires(10, 0.3), 33, 10, 23);
        expect(DenoiseSteps.hires(20, 1.0), 20, 20, 0);
        expect(DenoiseSteps.hires(4, 0.4), 10, 4, 6);
        expect(DenoiseSteps.hires(3, 0.5), 6, 3, 3);
        expect(DenoiseSteps.hires(150, 0.1), 1500, 150, 1350);
    }

    @Test
    void aHiresScheduleBeyondTheTrainingTimestepsIsRefused() {
        GenerationRequest r = GenerationRequest.builder("x", "m").hires(new HiresFix(2, HiresUpscaler.LATENT, 150, 0.1))
                .build();
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("needs a schedule of 1500 steps, more than 1000"));
        assertThat(r.withHires(new HiresFix(2, HiresUpscaler.LATENT, 2, 0.01)).problems()).isEmpty();
    }
}
