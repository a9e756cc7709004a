package dev.sdbot.inference.text;

import java.util.regex.Pattern;

/**
 * A1111's {@code AND} (composable diffusion: the prompt split at the word AND, each part's guidance added with its
 * weight). sdbot does not implement it, so a prompt that uses it is refused rather than read as something else;
 * as in A1111 only the prompt is split, an AND in the negative prompt is plain text.
 */
public final class ComposablePrompts {
    /** A1111's {@code re_AND}: AND as a whole word, upper case. */
    private static final Pattern AND = Pattern.compile("\\bAND\\b", Pattern.UNICODE_CHARACTER_CLASS);

    private ComposablePrompts() {
    }

    /** @throws IllegalArgumentException when the prompt uses AND */
    public static void refuseAnd(String prompt) {
        if (AND.matcher(prompt).find()) {
            throw new IllegalArgumentException("AND is not supported (A1111's composable diffusion): write the prompt "
                    + "without the upper-case word AND, e.g. \"and\" or a comma");
        }
    }
}
