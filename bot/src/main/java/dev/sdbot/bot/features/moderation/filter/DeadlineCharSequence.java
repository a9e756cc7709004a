package dev.sdbot.bot.features.moderation.filter;

/**
 * Text that refuses to be read past a deadline. {@link java.util.regex.Matcher} reads its input only
 * through {@link #charAt}, so a regex that backtracks without end (e.g. {@code (a+)+$} on "aaaa…!") is
 * stopped there instead of holding a shared thread forever.
 */
final class DeadlineCharSequence implements CharSequence {
    private final CharSequence text;
    private final long deadlineNanos;

    DeadlineCharSequence(CharSequence text, long deadlineNanos) {
        this.text = text;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public char charAt(int index) {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new TimedOut();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new DeadlineCharSequence(text.subSequence(start, end), deadlineNanos);
    }

    @Override
    public String toString() {
        return text.toString();
    }

    /** Thrown from {@link #charAt} once the deadline passed. */
    static final class TimedOut extends RuntimeException {
        TimedOut() {
            super("regex ran out of time", null, false, false);
        }
    }
}
