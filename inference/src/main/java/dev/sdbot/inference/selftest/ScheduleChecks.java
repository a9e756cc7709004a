package dev.sdbot.inference.selftest;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.sdbot.inference.text.PromptSchedules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompt editing and alternation against A1111's own parser: a JSON list of
 * {@code {"prompt", "steps", "schedule": [[end_at_step, text], ...]}} (with {@code "hires_steps"} for a hires pass),
 * one check per case, exact.
 */
public final class ScheduleChecks {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private ScheduleChecks() {
    }

    /** @throws IllegalArgumentException when the file is not such a list */
    public static List<CheckResult> cases(Path file) {
        JsonArray cases;
        try {
            cases = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schedule cases " + file, e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("schedule cases " + file + " are not a JSON list: " + e.getMessage());
        }
        List<CheckResult> results = new ArrayList<>(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            results.add(check(i + 1, cases.size(), cases.get(i).getAsJsonObject()));
        }
        return results;
    }

    private static CheckResult check(int number, int total, JsonObject c) {
        String prompt = c.get("prompt").getAsString();
        int steps = c.get("steps").getAsInt();
        List<PromptSchedules.Entry> expected = new ArrayList<>();
        for (JsonElement e : c.getAsJsonArray("schedule")) {
            JsonArray pair = e.getAsJsonArray();
            expected.add(new PromptSchedules.Entry(pair.get(0).getAsInt(), pair.get(1).getAsString()));
        }
        boolean hires = c.has("hires_steps");
        List<PromptSchedules.Entry> actual = hires
                ? PromptSchedules.hiresSchedule(prompt, steps, c.get("hires_steps").getAsInt())
                : PromptSchedules.schedule(prompt, steps);
        boolean same = actual.equals(expected);
        String name = "schedule case " + number + "/" + total + ": " + GSON.toJson(prompt) + " at " + steps + " steps"
                + (hires ? " + " + c.get("hires_steps").getAsInt() + " hires steps" : "")
                + (same ? "" : " gave " + render(actual) + ", A1111 " + render(expected));
        return new CheckResult(name, same ? 0 : 1, 0, same);
    }

    private static String render(List<PromptSchedules.Entry> schedule) {
        List<List<Object>> pairs = schedule.stream().map(e -> List.<Object>of(e.endAtStep(), e.text())).toList();
        return GSON.toJson(pairs);
    }
}
