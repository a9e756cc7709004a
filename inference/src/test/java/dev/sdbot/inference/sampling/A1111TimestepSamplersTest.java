package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.DenoiseSteps;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.model.SchedulerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A1111's DDIM and PLMS schedules and img2img starts (their trajectories are checked against make_timestep_refs.py's
 * references in {@link KDiffusionParityTest}). Before, "DDIM" and "PLMS" were diffusers 0.21's: 20 DDIM steps were 20
 * calls at 951 ... 1 ending at alphas_cumprod[0], img2img started at a step of that schedule.
 */
class A1111TimestepSamplersTest {
    private static final SchedulerConfig SD15 = SchedulerConfig.stableDiffusion("epsilon");

    @Test
    void timestepsAreA1111sAndOneCallFewerThanThem() {
        assertThat(CompVisTimestepsSampler.a1111Timesteps(1000, 20)).hasSize(20).startsWith(1, 51).endsWith(951);
        // 1000 // 7 = 142 does not divide 1000: 8 timesteps up to 995; 1000 // 30 = 33: 31 up to 991
        assertThat(CompVisTimestepsSampler.a1111Timesteps(1000, 7)).hasSize(8).endsWith(853, 995);
        assertThat(CompVisTimestepsSampler.a1111Timesteps(1000, 30)).hasSize(31).endsWith(991);
        assertThat(CompVisTimestepsSampler.a1111Timesteps(1000, 3)).containsExactly(1, 334, 667, 999);

        double[] ddim = Samplers.create(Sampler.DDIM, SD15, 20).timesteps();
        assertThat(ddim).hasSize(19).startsWith(951, 901).endsWith(101, 51);
        assertThat(Samplers.create(Sampler.PLMS, SD15, 20).timesteps()).hasSize(20).startsWith(951, 901, 901, 851)
                .endsWith(51);
        assertThat(Samplers.create(Sampler.DDIM, SD15, 1).timesteps()).isEmpty();
        assertThat(Samplers.create(Sampler.DDIM_DIFFUSERS, SD15, 20).timesteps()).hasSize(20).endsWith(1);
    }

    @Test
    void img2imgNoisesToTimestepTEncAndRunsTheTimestepsBelowIt() {
        // 20 steps at 0.5: t_enc = 10, noised to timesteps[10] = 501, calls at 451 ... 51
        SamplerPass pass = Samplers.pass(Sampler.DDIM, SD15, DenoiseSteps.img2img(20, 0.5));
        assertThat(pass.start()).isZero();
        assertThat(pass.calls()).isEqualTo(9);
        assertThat(pass.sampler().timesteps()).startsWith(451).endsWith(51);
        assertThat(pass.sampler().startsFromNoise(pass.start())).isFalse();
        NoiseSchedule schedule = NoiseSchedule.of(SD15);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray ones = manager.ones(new Shape(1));
            NDArray zeros = manager.zeros(new Shape(1));
            float start = pass.sampler().addNoise(ones, zeros, 0).getFloat(0);
            assertThat(start).isEqualTo((float) Math.sqrt(schedule.alphaCumprod(501)));
            // later calls (the inpainting blend) at the level of their own timestep
            assertThat(pass.sampler().addNoise(ones, zeros, 1).getFloat(0))
                    .isEqualTo((float) Math.sqrt(schedule.alphaCumprod(401)));
        }
        // PLMS restarts its pseudo improved Euler step: 7 steps at 0.6 run 427, 285, 285, 143
        assertThat(Samplers.pass(Sampler.PLMS, SD15, DenoiseSteps.img2img(7, 0.6)).sampler().timesteps())
                .containsExactly(427, 285, 285, 143);
        // the hires pass (setup_img2img_steps with steps): 10 hires steps at 0.5 are t_enc 9 of a 20-step schedule
        assertThat(Samplers.pass(Sampler.DDIM, SD15, DenoiseSteps.hires(10, 0.5)).calls()).isEqualTo(8);
        // t_enc 1 leaves no call (A1111 would return the noised image); the generator refuses it
        assertThat(Samplers.pass(Sampler.DDIM, SD15, DenoiseSteps.img2img(20, 0.05)).calls()).isZero();
        // the other samplers keep their suffix of the whole schedule
        SamplerPass euler = Samplers.pass(Sampler.EULER, SD15, DenoiseSteps.img2img(20, 0.5));
        assertThat(euler.start()).isEqualTo(9);
        assertThat(euler.sampler().startsFromNoise(0)).isTrue();
    }

    @Test
    void oneStepIsRefusedBeforeQueueing() {
        GenerationRequest one = new GenerationRequest("a cat", "", "m", Sampler.PLMS, 1, 7, 64, 64, 1L, 1, null, 0.5,
                null, 1);
        assertThat(one.problems()).containsExactly("PLMS needs at least 2 steps (at 1 step it makes no model call), got 1");
        assertThat(one.toBuilder().sampler(Sampler.PLMS_DIFFUSERS).build().problems()).isEmpty();
    }
}
