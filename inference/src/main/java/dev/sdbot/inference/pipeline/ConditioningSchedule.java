package dev.sdbot.inference.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The UNet's conditioning per model call: with A1111's prompt editing ({@link dev.sdbot.inference.text.PromptSchedules})
 * the prompt and the negative prompt switch texts during the run, each as its own schedule; the segments here
 * are the union of both, each holding the whole batch ([negative, prompt] when guided). Call {@code k} (from 0,
 * counted from the first call of the run, img2img and hires passes included) takes the first segment whose end
 * is at least {@code k}, as A1111's {@code reconstruct_cond_batch}.
 */
public final class ConditioningSchedule {
    private final int[] ends;
    private final List<Conditioning> segments;

    private ConditioningSchedule(int[] ends, List<Conditioning> segments) {
        this.ends = ends;
        this.segments = List.copyOf(segments);
    }

    /** The same conditioning for every call. */
    public static ConditioningSchedule constant(Conditioning conditioning) {
        return new ConditioningSchedule(new int[] {Integer.MAX_VALUE}, List.of(conditioning));
    }

    /** @param ends ascending end steps, one per segment */
    static ConditioningSchedule of(int[] ends, List<Conditioning> segments) {
        if (ends.length != segments.size() || ends.length == 0) {
            throw new IllegalArgumentException("one end step per segment, at least one segment");
        }
        return new ConditioningSchedule(ends.clone(), segments);
    }

    /** The conditioning of model call {@code call} (from 0). */
    public Conditioning at(int call) {
        for (int i = 0; i < ends.length; i++) {
            if (call <= ends[i]) {
                return segments.get(i);
            }
        }
        return segments.get(segments.size() - 1);
    }

    /** How many distinct segments the run switches between. */
    public int size() {
        return segments.size();
    }

    /** Every segment mapped (e.g. repeated for a batch of images). */
    ConditioningSchedule map(UnaryOperator<Conditioning> f) {
        List<Conditioning> mapped = new ArrayList<>(segments.size());
        segments.forEach(c -> mapped.add(f.apply(c)));
        return new ConditioningSchedule(ends, mapped);
    }
}
