package dev.sdbot.bot.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What must hold before this process takes traffic: named checks, each answering null when fine or why not. A check
 * that throws is "not ready" with the exception's message (fails closed).
 */
public final class Readiness {
    private final Map<String, Supplier<String>> checks = new LinkedHashMap<>();

    public synchronized Readiness add(String name, Supplier<String> check) {
        checks.put(name, check);
        return this;
    }

    /** The checks that do not pass now, name → reason; empty when ready. */
    public Map<String, String> problems() {
        Map<String, Supplier<String>> now;
        synchronized (this) {
            now = new LinkedHashMap<>(checks);
        }
        Map<String, String> problems = new LinkedHashMap<>();
        now.forEach((name, check) -> {
            String problem;
            try {
                problem = check.get();
            } catch (RuntimeException e) {
                problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            if (problem != null) {
                problems.put(name, problem);
            }
        });
        return problems;
    }
}
