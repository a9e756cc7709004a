package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.text.PromptSchedules;

import java.util.List;

/**
 * A request's prompt (LoRA tags removed) and negative prompt as A1111 schedules them for one pass. A1111 counts a
 * schedule in model calls: its second-order samplers (two calls per step) schedule over twice the steps.
 */
record ScheduledPrompts(List<PromptSchedules.Entry> prompt, List<PromptSchedules.Entry> negative) {

    /** txt2img, img2img and inpainting: {@code steps} steps. */
    static ScheduledPrompts firstPass(String prompt, String negative, int steps, int callsPerStep) {
        int total = steps * callsPerStep;
        return new ScheduledPrompts(PromptSchedules.schedule(prompt, total), PromptSchedules.schedule(negative, total));
    }

    /** A hires fix's second pass of {@code hiresSteps} after {@code baseSteps}. */
    static ScheduledPrompts hiresPass(String prompt, String negative, int baseSteps, int hiresSteps, int callsPerStep) {
        int base = baseSteps * callsPerStep;
        int total = hiresSteps * callsPerStep;
        return new ScheduledPrompts(PromptSchedules.hiresSchedule(prompt, base, total),
                PromptSchedules.hiresSchedule(negative, base, total));
    }

    /** The prompt's schedule texts in order, as A1111 passes them to the encoder in one batch. */
    List<String> promptTexts() {
        return prompt.stream().map(PromptSchedules.Entry::text).toList();
    }

    List<String> negativeTexts() {
        return negative.stream().map(PromptSchedules.Entry::text).toList();
    }

    /** @param padConds A1111's "Pad conds": the prompt and negative prompt padded to one length */
    ConditioningSchedule encode(StableDiffusionPipeline pipeline, NDManager manager, double guidance, int clipSkip,
                                boolean padConds) {
        return pipeline.encodeSchedule(manager, prompt, negative, guidance, clipSkip, padConds);
    }

    /** Whether padding changes anything here (A1111 then writes "Pad conds: True"). */
    boolean pads(StableDiffusionPipeline pipeline, double guidance, boolean padConds) {
        return pipeline.padsConds(prompt, negative, guidance, padConds);
    }
}
