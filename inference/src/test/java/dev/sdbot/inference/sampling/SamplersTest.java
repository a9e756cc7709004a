package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.model.SchedulerConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplersTest {
    private static final SchedulerConfig SD15 = SchedulerConfig.stableDiffusion("epsilon");
    private static final Set<Sampler> TWO_CALLS = EnumSet.of(Sampler.HEUN, Sampler.HEUN_KARRAS, Sampler.DPM2,
            Sampler.DPM2_KARRAS, Sampler.DPMPP_SDE, Sampler.DPMPP_SDE_KARRAS);

    @Test
    void everySamplerFitsDiscordsChoicesUnderOneUniqueIdAndName() {
        Sampler[] all = Sampler.values();
        // Discord's limit on an option's choices: it offers A1111's names, the diffusers variants are CLI/job only
        assertThat(Arrays.stream(all).filter(Sampler::isA1111).count()).isLessThanOrEqualTo(25);
        assertThat(Arrays.stream(all).filter(s -> !s.isA1111()).map(Sampler::displayName))
                .allMatch(name -> name.contains("(diffusers"));
        // A1111's names are A1111's (k-diffusion) samplers
        for (Sampler s : List.of(Sampler.EULER, Sampler.EULER_A, Sampler.LMS, Sampler.DPMPP_2M)) {
            assertThat(Samplers.create(s, SD15, 6)).as(s.displayName()).isInstanceOf(KDiffusionSampler.class);
        }
        assertThat(Arrays.stream(all).map(Sampler::id).distinct()).hasSize(all.length);
        assertThat(Arrays.stream(all).map(Sampler::displayName).distinct()).hasSize(all.length);
        for (Sampler s : all) {
            assertThat(Sampler.fromId(s.displayName())).isEqualTo(s);
            assertThat(Sampler.fromId(s.id())).isEqualTo(s);
        }
        assertThat(Sampler.fromId("DPM++ 2M Karras")).isEqualTo(Sampler.DPMPP_2M_KARRAS);
    }

    @Test
    void secondOrderSamplersCallTheModelTwicePerStepExceptTheLastAndImg2imgStartsAtAStep() {
        for (Sampler s : Sampler.values()) {
            DiffusionSampler sampler = Samplers.create(s, SD15, 6);
            int calls = sampler.timesteps().length;
            if (TWO_CALLS.contains(s)) {
                assertThat(calls).as(s.id()).isEqualTo(11);
                assertThat(sampler.callIndexOfStep(3)).as(s.id()).isEqualTo(6);
            } else if (s == Sampler.DDIM) {
                assertThat(calls).as(s.id()).isEqualTo(6); // A1111: 1, 167, ..., 997, the model never called at 1
            } else if (s == Sampler.PLMS) {
                assertThat(calls).as(s.id()).isEqualTo(7); // twice on its first step
            } else if (s != Sampler.PLMS_DIFFUSERS) {
                assertThat(calls).as(s.id()).isEqualTo(6);
                assertThat(sampler.callIndexOfStep(3)).as(s.id()).isEqualTo(3);
            }
            assertThat(Samplers.create(s, SD15, s.minSteps()).timesteps()).as(s.id()).isNotEmpty();
        }
    }

    @Test
    void karrasSamplersSpanTheTrainingSigmasAndEndAtZero() {
        KDiffusionSampler k = (KDiffusionSampler) Samplers.create(Sampler.EULER_KARRAS, SD15, 10);
        float[] training = NoiseSchedule.of(SD15).sigmas();
        double[] sigmas = k.sigmas();
        assertThat(sigmas[0]).isEqualTo(training[training.length - 1], org.assertj.core.data.Offset.offset(1e-5));
        assertThat(sigmas[9]).isEqualTo(training[0], org.assertj.core.data.Offset.offset(1e-7));
        assertThat(sigmas[10]).isZero();
        assertThat(k.timesteps()[0]).isEqualTo(999.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(k.initNoiseSigma()).isEqualTo((float) sigmas[0]);
        // DPM2 drops the next-to-last sigma: 10 steps still, the last real one not at sigma_min
        double[] dpm2 = ((KDiffusionSampler) Samplers.create(Sampler.DPM2_KARRAS, SD15, 10)).sigmas();
        assertThat(dpm2).hasSize(11);
        assertThat(dpm2[9]).isGreaterThan(training[0] * 1.5);
    }

    @Test
    void a1111DpmppTwoMKarrasIsNotTheDiffusersVariant() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray noise = manager.create(new float[256]).add(0.5f).reshape(1, 4, 8, 8);
            NDArray a = run(Samplers.create(Sampler.DPMPP_2M_KARRAS, SD15, 10), noise);
            NDArray b = run(Samplers.create(Sampler.DPMPP_2M_KARRAS_DIFFUSERS, SD15, 10), noise);
            double rel = a.sub(b).norm().getFloat() / b.norm().getFloat();
            assertThat(rel).isGreaterThan(1e-3);
        }
    }

    @Test
    void theSecondCallOfAStepWithoutItsFirstIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DiffusionSampler heun = Samplers.create(Sampler.HEUN, SD15, 4);
            NDArray x = manager.ones(new Shape(1, 4, 8, 8));
            assertThatThrownBy(() -> heun.step(x, 1, x, NoiseSource.NONE))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("first call never ran");
        }
    }

    /** The final sample from {@code noise} under a fixed smooth fake model. */
    private static NDArray run(DiffusionSampler sampler, NDArray noise) {
        NDArray x = noise.mul(sampler.initNoiseSigma());
        double[] t = sampler.timesteps();
        for (int i = 0; i < t.length; i++) {
            NDArray in = sampler.scaleModelInput(x, i);
            x = sampler.step(in.mul(0.3f).add((float) (0.05 * Math.cos(t[i] / 150))), i, x, NoiseSource.NONE);
        }
        return x;
    }
}
