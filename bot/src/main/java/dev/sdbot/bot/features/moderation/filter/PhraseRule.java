package dev.sdbot.bot.features.moderation.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word or phrase rule. Never a substring match: each word of the rule must equal a whole word of the
 * prompt, or a run of single characters ("b a n a n a", "b.a.n.a.n.a"), allowing leetspeak ("B4N4NA"),
 * stretched letters ("baaanana", but "as" is not "ass") and a plural ending; the words of a phrase must
 * follow one another, or appear written together ("bloodbath" for "blood bath").
 */
public final class PhraseRule implements CompiledRule {
    /** Symbols read as the letter they stand for. '1' stands for i and l, see {@link #letterClass}. */
    private static final Map<Character, Character> LEET = Map.of('4', 'a', '@', 'a', '3', 'e', '0', 'o', '5', 's',
            '$', 's', '7', 't', '8', 'b', '9', 'g');
    private static final String PLURAL = "(?:[e3]?[s5$])?";

    private final FilterRuleRef rule;
    /** One pattern per word of the phrase, the last allowing a plural. */
    private final List<Pattern> words;
    /** The whole phrase written as one word. */
    private final Pattern together;
    /** How many single characters a run may join (stretched letters included): bounds the work per prompt. */
    private final int longestRun;

    public PhraseRule(FilterRuleRef rule) {
        this.rule = rule;
        List<String> ruleWords = PromptText.of(rule.pattern()).words().stream().map(PromptText.Word::text).toList();
        if (ruleWords.isEmpty()) {
            throw new IllegalArgumentException("a word rule needs at least one letter or digit");
        }
        List<Pattern> compiled = new ArrayList<>();
        for (int i = 0; i < ruleWords.size(); i++) {
            compiled.add(wordPattern(ruleWords.get(i), i == ruleWords.size() - 1));
        }
        this.words = List.copyOf(compiled);
        this.together = wordPattern(String.join("", ruleWords), true);
        this.longestRun = 3 * String.join("", ruleWords).length() + 8;
    }

    /** The rule's words as compared for duplicates: canonical, leetspeak read as letters. */
    public static String key(String pattern) {
        StringBuilder key = new StringBuilder();
        for (PromptText.Word word : PromptText.of(pattern).words()) {
            if (!key.isEmpty()) {
                key.append(' ');
            }
            word.text().chars().forEach(c -> key.append(LEET.getOrDefault((char) c, c == '1' ? 'i' : (char) c)));
        }
        return key.toString();
    }

    @Override
    public FilterRuleRef rule() {
        return rule;
    }

    @Override
    public List<Span> find(PromptText text) {
        List<PromptText.Word> prompt = text.words();
        List<Span> found = new ArrayList<>();
        for (int start = 0; start < prompt.size(); ) {
            int end = Math.max(matchWords(prompt, 0, start), matchUnit(together, prompt, start));
            if (end > start) {
                found.add(new Span(prompt.get(start).sourceStart(), prompt.get(end - 1).sourceEnd()));
                start = end;
            } else {
                start++;
            }
        }
        return found;
    }

    /** The end (exclusive) of the rule's words {@code from..} matched from prompt word {@code at}, or -1. */
    private int matchWords(List<PromptText.Word> prompt, int from, int at) {
        if (from == words.size()) {
            return at;
        }
        if (words.size() == 1) {
            return -1; // a single word is tried as "together"
        }
        for (int end : unitEnds(words.get(from), prompt, at, longestRun)) {
            int matched = matchWords(prompt, from + 1, end);
            if (matched >= 0) {
                return matched;
            }
        }
        return -1;
    }

    /**
     * The longest match of one word from {@code at} (so "b a n a n a s" is taken whole), but not stretched over
     * further single letters that only repeat the last one ("b a n a n a a cat" leaves the article).
     */
    private int matchUnit(Pattern word, List<PromptText.Word> prompt, int at) {
        int best = -1;
        for (int end : unitEnds(word, prompt, at, longestRun)) {
            if (best < 0 || !prompt.get(end - 1).text().equals(prompt.get(end - 2).text())) {
                best = end;
            }
        }
        return best;
    }

    /**
     * Where one rule word can end when it starts at prompt word {@code at}: that word alone, or a run of
     * single-character words from there (shortest first, so a stripped match takes no more than it needs).
     */
    private static List<Integer> unitEnds(Pattern word, List<PromptText.Word> prompt, int at, int longestRun) {
        List<Integer> ends = new ArrayList<>();
        if (at >= prompt.size()) {
            return ends;
        }
        if (matches(word, prompt.get(at).text())) {
            ends.add(at + 1);
        }
        if (!prompt.get(at).singleCharacter()) {
            return ends;
        }
        StringBuilder joined = new StringBuilder(prompt.get(at).text());
        for (int i = at + 1; i < prompt.size() && i - at < longestRun && prompt.get(i).singleCharacter(); i++) {
            joined.append(prompt.get(i).text());
            Matcher matcher = word.matcher(joined);
            if (matcher.matches()) {
                if (hasLetter(joined)) {
                    ends.add(i + 1);
                }
            } else if (!matcher.hitEnd()) {
                break; // the run already went astray: more letters cannot make it match
            }
        }
        return ends;
    }

    /** Whole-word match; a candidate without any letter (a number) never matches. */
    private static boolean matches(Pattern word, CharSequence candidate) {
        return hasLetter(candidate) && word.matcher(candidate).matches();
    }

    private static boolean hasLetter(CharSequence candidate) {
        return candidate.chars().anyMatch(Character::isLetter);
    }

    /** "ass" → {@code [a4@]+[s5$]{2,}}: each run of a letter at least as long as in the rule. */
    private static Pattern wordPattern(String word, boolean pluralAllowed) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < word.length()) {
            char letter = letter(word.charAt(i));
            int run = 1;
            while (i + run < word.length() && letter(word.charAt(i + run)) == letter) {
                run++;
            }
            regex.append(letterClass(letter)).append(run == 1 ? "+" : "{" + run + ",}");
            i += run;
        }
        if (pluralAllowed) {
            regex.append(PLURAL);
        }
        return Pattern.compile(regex.toString());
    }

    private static char letter(char c) {
        return c == '1' ? 'i' : LEET.getOrDefault(c, c);
    }

    /** The characters that may stand for a letter: itself, its leetspeak symbols, and '1' for i and l. */
    private static String letterClass(char letter) {
        StringBuilder chars = new StringBuilder("[").append(escape(letter));
        LEET.forEach((symbol, meaning) -> {
            if (meaning == letter) {
                chars.append(escape(symbol));
            }
        });
        if (letter == 'i' || letter == 'l') {
            chars.append('1');
        }
        return chars.append(']').toString();
    }

    private static String escape(char c) {
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }
}
