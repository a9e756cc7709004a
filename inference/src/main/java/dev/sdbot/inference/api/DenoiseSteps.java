package dev.sdbot.inference.api;

/**
 * A1111's img2img step arithmetic ({@code sd_samplers_common.setup_img2img_steps}): a denoising pass runs the last
 * {@link #run} steps of a schedule of {@link #schedule} steps, starting from the init latents noised to the level of
 * step {@link #startStep}.
 * <ul>
 *   <li>img2img and inpainting (A1111's default, "img2img_fix_steps" off): a schedule of the request's steps, of which
 *       {@code int(min(strength, 0.999) * steps) + 1} run (20 steps at 0.5: 11; at 1: all 20);</li>
 *   <li>the hires pass (A1111 passes {@code hr_second_pass_steps or steps}): exactly the hires steps run, at the end
 *       of a schedule of {@code int(hires steps / min(strength, 0.999))} steps (20 at 0.5: 20 steps of 40).</li>
 * </ul>
 */
public record DenoiseSteps(int schedule, int run) {
    /** A1111 refuses nothing here, but more schedule steps than the 1000 training timesteps cannot be spaced. */
    public static final int MAX_SCHEDULE = 1000;

    public static DenoiseSteps img2img(int steps, double strength) {
        int tEnc = (int) (Math.min(strength, 0.999) * steps);
        return new DenoiseSteps(steps, Math.min(tEnc + 1, steps));
    }

    public static DenoiseSteps hires(int hiresSteps, double strength) {
        int schedule = strength > 0 ? (int) (hiresSteps / Math.min(strength, 0.999)) : 0;
        return new DenoiseSteps(schedule, hiresSteps);
    }

    /** The step (from 0) the pass starts at. */
    public int startStep() {
        return schedule - run;
    }
}
