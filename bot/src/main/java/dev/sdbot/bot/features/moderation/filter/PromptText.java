package dev.sdbot.bot.features.moderation.filter;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A prompt as the filter sees it: canonical text (NFKC, lower case, accents and zero-width characters
 * removed, common look-alike letters folded, white space collapsed) split into words, each word knowing the
 * span of the original text it came from, so matches can be reported and stripped from the original.
 * Word characters are letters, digits and the leetspeak symbols {@code @ $}; everything else separates words.
 */
public final class PromptText {
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    /** Non-Latin letters that look like Latin ones and that NFKC leaves alone (Cyrillic, Greek). */
    private static final Map<Character, Character> LOOK_ALIKES = Map.ofEntries(
            Map.entry('а', 'a'), Map.entry('в', 'b'), Map.entry('е', 'e'), Map.entry('ё', 'e'), Map.entry('к', 'k'),
            Map.entry('м', 'm'), Map.entry('н', 'h'), Map.entry('о', 'o'), Map.entry('р', 'p'), Map.entry('с', 'c'),
            Map.entry('т', 't'), Map.entry('у', 'y'), Map.entry('х', 'x'), Map.entry('і', 'i'), Map.entry('ј', 'j'),
            Map.entry('ѕ', 's'), Map.entry('α', 'a'), Map.entry('β', 'b'), Map.entry('ε', 'e'), Map.entry('ι', 'i'),
            Map.entry('κ', 'k'), Map.entry('ν', 'v'), Map.entry('ο', 'o'), Map.entry('ρ', 'p'), Map.entry('τ', 't'),
            Map.entry('υ', 'u'), Map.entry('χ', 'x'));

    /** A word of the canonical text and the span {@code [sourceStart, sourceEnd)} of the original it came from. */
    public record Word(String text, int sourceStart, int sourceEnd) {
        boolean singleCharacter() {
            return text.length() == 1;
        }
    }

    private final String original;
    private final String canonical;
    private final int[] sourceStarts;
    private final int[] sourceEnds;
    private final List<Word> words;

    private PromptText(String original, String canonical, int[] sourceStarts, int[] sourceEnds, List<Word> words) {
        this.original = original;
        this.canonical = canonical;
        this.sourceStarts = sourceStarts;
        this.sourceEnds = sourceEnds;
        this.words = words;
    }

    public static PromptText of(String original) {
        StringBuilder canonical = new StringBuilder();
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < original.length(); ) {
            int codePoint = original.codePointAt(i);
            int next = i + Character.charCount(codePoint);
            // Invisible characters and apostrophes join the characters around them: "ba\u200Bnana", "don't".
            if (!invisible(codePoint)) {
                for (char c : fold(codePoint).toCharArray()) {
                    char out = wordCharacter(c) ? c : ' ';
                    boolean afterSpace = canonical.isEmpty() || canonical.charAt(canonical.length() - 1) == ' ';
                    if (out == ' ' && afterSpace) {
                        // separators collapse into one space (none at the start)
                        if (!canonical.isEmpty()) {
                            ends.set(ends.size() - 1, next);
                        }
                        continue;
                    }
                    canonical.append(out);
                    starts.add(i);
                    ends.add(next);
                }
            }
            i = next;
        }
        if (!canonical.isEmpty() && canonical.charAt(canonical.length() - 1) == ' ') {
            canonical.setLength(canonical.length() - 1);
            starts.remove(starts.size() - 1);
            ends.remove(ends.size() - 1);
        }
        int[] sourceStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        int[] sourceEnds = ends.stream().mapToInt(Integer::intValue).toArray();
        return new PromptText(original, canonical.toString(), sourceStarts, sourceEnds,
                words(canonical, sourceStarts, sourceEnds));
    }

    private static List<Word> words(CharSequence canonical, int[] starts, int[] ends) {
        List<Word> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= canonical.length(); i++) {
            boolean inWord = i < canonical.length() && canonical.charAt(i) != ' ';
            if (inWord && start < 0) {
                start = i;
            } else if (!inWord && start >= 0) {
                words.add(new Word(canonical.subSequence(start, i).toString(), starts[start], ends[i - 1]));
                start = -1;
            }
        }
        return List.copyOf(words);
    }

    /** NFKC (full-width, ligatures, styled letters), accents removed, lower case, look-alikes folded. */
    static String fold(int codePoint) {
        if (codePoint < 0x80) {
            return String.valueOf(Character.toLowerCase((char) codePoint));
        }
        String compatible = Normalizer.normalize(new String(Character.toChars(codePoint)), Normalizer.Form.NFKC);
        String bare = MARKS.matcher(Normalizer.normalize(compatible, Normalizer.Form.NFD)).replaceAll("")
                .toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(bare.length());
        for (char c : bare.toCharArray()) {
            out.append(LOOK_ALIKES.getOrDefault(c, c));
        }
        return out.toString();
    }

    private static boolean invisible(int codePoint) {
        return codePoint == '\'' || codePoint == '’' || codePoint == 0x00AD
                || (codePoint >= 0x200B && codePoint <= 0x200D) || codePoint == 0xFEFF || codePoint == 0x2060
                || Character.getType(codePoint) == Character.FORMAT || Character.getType(codePoint) == Character.NON_SPACING_MARK
                || Character.getType(codePoint) == Character.ENCLOSING_MARK;
    }

    static boolean wordCharacter(char c) {
        return Character.isLetterOrDigit(c) || c == '@' || c == '$';
    }

    public String original() {
        return original;
    }

    /** The canonical text: what regex rules see besides the original. */
    public String canonical() {
        return canonical;
    }

    public List<Word> words() {
        return words;
    }

    /** The start, in the original, of the canonical character at {@code index}. */
    public int sourceStart(int index) {
        return sourceStarts[index];
    }

    /** The end (exclusive), in the original, of the canonical character at {@code index}. */
    public int sourceEnd(int index) {
        return sourceEnds[index];
    }
}
