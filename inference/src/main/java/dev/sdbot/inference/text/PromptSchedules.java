package dev.sdbot.inference.text;

import dev.sdbot.inference.text.ScheduleSyntax.Alternate;
import dev.sdbot.inference.text.ScheduleSyntax.Literal;
import dev.sdbot.inference.text.ScheduleSyntax.Node;
import dev.sdbot.inference.text.ScheduleSyntax.Scheduled;
import dev.sdbot.inference.text.ScheduleSyntax.Sequence;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A1111's prompt editing and alternation ({@code get_learned_conditioning_prompt_schedules}): {@code [from:to:when]},
 * {@code [to:when]}, {@code [from::when]} and {@code [a|b|c]}, nested, turned into the plain prompt texts the
 * sampler is conditioned on, each up to an end step. {@code when} with a decimal point is a fraction of the steps,
 * without one a step number (A1111 1.6+; {@code [red:blue:100]} at 3 steps is "red" throughout); a prompt A1111's
 * grammar rejects is one literal text for all steps. Each text then goes through the attention parse as any prompt.
 *
 * <p>Which text a model call uses is A1111's {@code reconstruct_cond_batch}: call {@code k} (from 0) takes the first
 * entry whose end step is at least {@code k} ({@link #textAt}).
 */
public final class PromptSchedules {
    /** A text the sampler is conditioned on up to and including step {@code endAtStep}. */
    public record Entry(int endAtStep, String text) {
    }

    private PromptSchedules() {
    }

    /** The schedule of a first pass (txt2img, img2img) of {@code steps} steps. */
    public static List<Entry> schedule(String prompt, int steps) {
        return schedule(prompt, steps, 0, 0);
    }

    /**
     * The schedule of a hires fix's second pass, as A1111 computes it: a step number counts from the start of the
     * first pass ({@code [a:b:25]} at 20 + 10 steps switches at hires step 5), a fraction from 1.0 to 2.0 spans the
     * second pass.
     */
    public static List<Entry> hiresSchedule(String prompt, int baseSteps, int hiresSteps) {
        return schedule(prompt, hiresSteps, baseSteps, 1.0);
    }

    /** The text for model call {@code step} (from 0) of a schedule. */
    public static String textAt(List<Entry> schedule, int step) {
        for (Entry e : schedule) {
            if (step <= e.endAtStep()) {
                return e.text();
            }
        }
        return schedule.get(0).text();
    }

    /**
     * Every distinct text the engine may encode for {@code prompt} in a run of {@code steps} steps and, when
     * {@code hiresSteps > 0}, its hires pass, with any sampler (second-order ones schedule over twice the steps):
     * what a prompt filter must screen ({@code [cat:nude:0.9]} is "nude" for the last tenth of the run).
     */
    public static Set<String> texts(String prompt, int steps, int hiresSteps) {
        Set<String> texts = new LinkedHashSet<>();
        for (int callsPerStep = 1; callsPerStep <= 2; callsPerStep++) {
            schedule(prompt, steps * callsPerStep).forEach(e -> texts.add(e.text()));
            if (hiresSteps > 0) {
                hiresSchedule(prompt, steps * callsPerStep, hiresSteps * callsPerStep).forEach(e -> texts.add(e.text()));
            }
        }
        return texts;
    }

    private static List<Entry> schedule(String prompt, int steps, int intOffset, double fltOffset) {
        Node tree = ScheduleSyntax.parse(prompt);
        if (tree == null) {
            return List.of(new Entry(steps, prompt));
        }
        Whens whens = new Whens(steps, intOffset, fltOffset);
        TreeSet<Integer> ends = new TreeSet<>(List.of(steps));
        collectEnds(tree, whens, ends);
        List<Entry> entries = new ArrayList<>(ends.size());
        for (int end : ends) {
            StringBuilder text = new StringBuilder();
            render(tree, end, whens, text);
            entries.add(new Entry(end, text.toString()));
        }
        return List.copyOf(entries);
    }

    /** A1111's {@code CollectSteps}: every schedule's step when it is at least 1, every step under an alternation. */
    private static void collectEnds(Node node, Whens whens, TreeSet<Integer> ends) {
        if (node instanceof Sequence seq) {
            seq.items().forEach(n -> collectEnds(n, whens, ends));
        } else if (node instanceof Scheduled sch) {
            int when = whens.of(sch.number());
            if (when >= 1) {
                ends.add(when);
            }
            if (sch.before() != null) {
                collectEnds(sch.before(), whens, ends);
            }
            collectEnds(sch.after(), whens, ends);
        } else if (node instanceof Alternate alt) {
            for (int step = 1; step <= whens.steps(); step++) {
                ends.add(step);
            }
            alt.options().forEach(n -> collectEnds(n, whens, ends));
        }
    }

    /** A1111's {@code AtStep}: the text at step {@code step}. */
    private static void render(Node node, int step, Whens whens, StringBuilder out) {
        if (node instanceof Literal l) {
            out.append(l.text());
        } else if (node instanceof Sequence seq) {
            seq.items().forEach(n -> render(n, step, whens, out));
        } else if (node instanceof Scheduled sch) {
            Node chosen = step <= whens.of(sch.number()) ? sch.before() : sch.after();
            if (chosen != null) {
                render(chosen, step, whens, out);
            }
        } else if (node instanceof Alternate alt) {
            render(alt.options().get((step - 1) % alt.options().size()), step, whens, out);
        }
    }

    /**
     * A schedule's {@code when} as a step: {@code (v - fltOffset) * steps} with a decimal point, {@code v - intOffset}
     * without, truncated toward zero and capped at the steps, in the same double arithmetic as A1111's Python.
     */
    private record Whens(int steps, int intOffset, double fltOffset) {
        int of(String number) {
            double v = Double.parseDouble(number);
            v = number.contains(".") ? (v - fltOffset) * steps : v - intOffset;
            return (int) Math.min(steps, (long) v);
        }
    }
}
