package dev.sdbot.inference.api;

import java.util.Arrays;
import java.util.Locale;

/**
 * The samplers, each under the name A1111 gives it (written into the PNG infotext) and a short id.
 *
 * <p>Two implementations stand behind them. An A1111 name means A1111's sampler: every k-sampler (Euler, Euler a,
 * LMS, DPM++ 2M, Heun, DPM2, DPM++ SDE, DPM++ 2M SDE and all "Karras" variants) is k-diffusion 0.0.16 as A1111 runs
 * it: continuous sigmas (uniform in t, A1111's default schedule, or Karras with rho 7 between the smallest and
 * largest training sigma), the model called at the continuous timestep of each sigma, the last step going to sigma 0.
 * DDIM and PLMS are A1111's own (its {@code sd_samplers_timesteps}: timesteps 1, 1 + 1000 // steps, ... so 20 steps
 * make 19 model calls, and PLMS calls the model twice on its first step); UniPC is a diffusers 0.21 scheduler. Euler,
 * Euler a, LMS, DPM++ 2M, DDIM and PLMS were diffusers 0.21's schedulers here until A1111's names were given their
 * A1111 meaning; those stay available under labels that say what they are ("Euler a (diffusers 0.21)"...), for the
 * command line and jobs, not among Discord's choices ({@link #isA1111}). Jobs stored with {@code ddim} or
 * {@code plms} before that now run A1111's sampler.
 *
 * <p>"DPM++ 2M Karras" was diffusers 0.21's DPMSolverMultistepScheduler with {@code use_karras_sigmas}, which
 * only uses the Karras sigmas to choose integer timesteps and then updates with the training alphas there; that
 * is not what A1111 users get under that name. It is now k-diffusion's (A1111's) continuous-sigma sampler, and the
 * diffusers variant stays available, labelled as what it is: {@link #DPMPP_2M_KARRAS_DIFFUSERS}.
 *
 * <p>Few-step models: "Euler SGM Uniform" and "Euler a SGM Uniform" are k-diffusion's Euler samplers on A1111's
 * "SGM Uniform" schedule type (timesteps spaced as diffusers' "trailing": SD-Turbo, SDXL-Lightning, Hyper-SD); A1111
 * reads the name back as sampler + schedule type, as it does "DPM++ 2M Karras". A model folder whose scheduler
 * config says {@code timestep_spacing: trailing} also gets trailing spacing with the diffusers Euler variants.
 * "LCM" is A1111's LCM sampler; "LCM (diffusers)" diffusers' LCMScheduler, whose timesteps differ (4 steps: 999,
 * 759, 499, 259 where A1111 calls the model at 999, 679, 339, 19).
 *
 * <p>UniPC is diffusers 0.21's UniPCMultistepScheduler with its defaults (bh2, order 2); A1111's UniPC uses
 * bh1, order 3, so the two give different pictures. SDE samplers take their noise from the seed's generator
 * one draw at a time, where A1111 uses a torchsde Brownian tree: the same seed is not the same picture as A1111.
 */
public enum Sampler {
    DDIM("ddim", "DDIM"),
    PLMS("plms", "PLMS"),
    EULER("euler", "Euler"),
    EULER_A("euler_a", "Euler a"),
    LMS("lms", "LMS"),
    DPMPP_2M("dpmpp_2m", "DPM++ 2M"),
    DPMPP_2M_KARRAS("dpmpp_2m_karras", "DPM++ 2M Karras"),
    DDIM_DIFFUSERS("ddim_diffusers", "DDIM (diffusers 0.21)"),
    PLMS_DIFFUSERS("plms_diffusers", "PLMS (diffusers 0.21)"),
    DPMPP_2M_KARRAS_DIFFUSERS("dpmpp_2m_karras_diffusers", "DPM++ 2M Karras (diffusers 0.21)"),
    EULER_DIFFUSERS("euler_diffusers", "Euler (diffusers 0.21)"),
    EULER_A_DIFFUSERS("euler_a_diffusers", "Euler a (diffusers 0.21)"),
    LMS_DIFFUSERS("lms_diffusers", "LMS (diffusers 0.21)"),
    DPMPP_2M_DIFFUSERS("dpmpp_2m_diffusers", "DPM++ 2M (diffusers 0.21)"),
    HEUN("heun", "Heun"),
    DPM2("dpm2", "DPM2"),
    DPMPP_SDE("dpmpp_sde", "DPM++ SDE"),
    DPMPP_2M_SDE("dpmpp_2m_sde", "DPM++ 2M SDE"),
    UNIPC("unipc", "UniPC"),
    EULER_KARRAS("euler_karras", "Euler Karras"),
    EULER_A_KARRAS("euler_a_karras", "Euler a Karras"),
    HEUN_KARRAS("heun_karras", "Heun Karras"),
    LMS_KARRAS("lms_karras", "LMS Karras"),
    DPM2_KARRAS("dpm2_karras", "DPM2 Karras"),
    DPMPP_SDE_KARRAS("dpmpp_sde_karras", "DPM++ SDE Karras"),
    DPMPP_2M_SDE_KARRAS("dpmpp_2m_sde_karras", "DPM++ 2M SDE Karras"),
    EULER_SGM_UNIFORM("euler_sgm_uniform", "Euler SGM Uniform"),
    EULER_A_SGM_UNIFORM("euler_a_sgm_uniform", "Euler a SGM Uniform"),
    LCM("lcm", "LCM"),
    LCM_DIFFUSERS("lcm_diffusers", "LCM (diffusers)");

    private final String id;
    private final String displayName;

    Sampler(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    /** Short id used in commands, the database and the fixtures ("euler_a"). */
    public String id() {
        return id;
    }

    /** The A1111 name written into PNG parameters ("Euler a"). */
    public String displayName() {
        return displayName;
    }

    /**
     * Whether A1111 has this sampler under this name (Discord offers these; the diffusers variants, kept for parity
     * with diffusers, are for the command line and jobs).
     */
    public boolean isA1111() {
        return !displayName.contains("diffusers");
    }

    /**
     * The most steps this sampler runs: LCM picks its timesteps from the 50 it was distilled on, every other sampler
     * takes the request's limit.
     */
    public int maxSteps() {
        return this == LCM || this == LCM_DIFFUSERS ? LCM_ORIGINAL_STEPS : GenerationRequest.MAX_STEPS;
    }

    /**
     * The fewest steps this sampler runs: A1111's DDIM and PLMS make one model call fewer than their steps (1 step is
     * the single timestep 1: no call at all), the others one call or more per step.
     */
    public int minSteps() {
        return this == DDIM || this == PLMS ? 2 : 1;
    }

    /** The length of LCM's distillation schedule (diffusers' and A1111's {@code original_inference_steps}). */
    public static final int LCM_ORIGINAL_STEPS = 50;

    public static Sampler fromId(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(s -> s.id.equals(v) || s.displayName.toLowerCase(Locale.ROOT).equals(v) || s.name().toLowerCase(Locale.ROOT).equals(v))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown sampler '" + value + "', expected one of "
                        + Arrays.stream(values()).map(Sampler::id).toList()));
    }
}
