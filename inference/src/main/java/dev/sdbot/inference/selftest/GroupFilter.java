package dev.sdbot.inference.selftest;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which selftest groups run: {@code selftest --only GROUP} and {@code --skip GROUP}, each a case-insensitive prefix of
 * the group names the selftest prints ("unet" selects "unet (folder)" and "unet (single file)"). An operator reruns
 * one failing group without the minute-long ones (the tiled-vs-untiled decode).
 */
public record GroupFilter(List<String> only, List<String> skip) {
    public static final GroupFilter ALL = new GroupFilter(List.of(), List.of());

    public GroupFilter {
        only = only.stream().map(GroupFilter::key).toList();
        skip = skip.stream().map(GroupFilter::key).toList();
    }

    public static GroupFilter skipping(String... groups) {
        return new GroupFilter(List.of(), List.of(groups));
    }

    /** Whether {@code group} is left out by {@code --only}: such groups print nothing. */
    public boolean unselected(String group) {
        return !only.isEmpty() && only.stream().noneMatch(key(group)::startsWith);
    }

    /** Why {@code group} does not run ({@code --skip} prints a SKIP line), or empty when it runs. */
    public Optional<String> exclusion(String group) {
        return skip.stream().anyMatch(key(group)::startsWith) ? Optional.of("--skip") : Optional.empty();
    }

    private static String key(String group) {
        return group.strip().toLowerCase(Locale.ROOT);
    }
}
