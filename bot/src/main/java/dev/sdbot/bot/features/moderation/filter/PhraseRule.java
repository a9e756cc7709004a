package dev.sdbot.bot.features.moderation.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word or phrase rule. Never a substring match: each word of the rule must equal a whole word of the
 * prompt, or a run of single characters ("b a n a n a", "b.a.n.a.n.a"), allowing leetspeak ("B4N4NA"),
 * stretched letters ("baaanana", but "as" is not "ass") and a plural ending; the words of a phrase must
 * follow one another, or appear written together ("bloodbath" for "blood bath"). Matching takes time linear in
 * the rule's words times the prompt's words (see {@link Search}) and stops when the submit's budget is spent.
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
    /** How many single characters a run may join for the whole phrase written together (stretched letters included). */
    private final int longestRun;
    /** The same for each word: a word's run is bounded by its own length, not the phrase's (less work per prompt). */
    private final int[] longestWordRun;

    public PhraseRule(FilterRuleRef rule) {
        this.rule = rule;
        List<String> ruleWords = PromptText.of(rule.pattern()).words().stream().map(PromptText.Word::text).toList();
        if (ruleWords.isEmpty()) {
            throw new IllegalArgumentException("a word rule needs at least one letter or digit");
        }
        List<Pattern> compiled = new ArrayList<>();
        Map<String, Pattern> same = new HashMap<>(); // one instance per distinct word: Search shares its work
        for (int i = 0; i < ruleWords.size(); i++) {
            Pattern word = wordPattern(ruleWords.get(i), i == ruleWords.size() - 1);
            compiled.add(same.computeIfAbsent(word.pattern() + "/" + longestRun(ruleWords.get(i)), k -> word));
        }
        this.words = List.copyOf(compiled);
        this.together = wordPattern(String.join("", ruleWords), true);
        this.longestRun = longestRun(String.join("", ruleWords));
        this.longestWordRun = ruleWords.stream().mapToInt(PhraseRule::longestRun).toArray();
    }

    private static int longestRun(String word) {
        return 3 * word.length() + 8;
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
    public List<Span> find(PromptText text, ScreeningBudget budget) {
        List<PromptText.Word> prompt = text.words();
        budget.checkNow(rule);
        Search search = new Search(prompt, budget);
        List<Span> found = new ArrayList<>();
        for (int start = 0; start < prompt.size(); ) {
            budget.check(rule);
            int end = Math.max(search.matchWords(0, start), matchUnit(together, prompt, start));
            if (end > start) {
                found.add(new Span(prompt.get(start).sourceStart(), prompt.get(end - 1).sourceEnd()));
                start = end;
            } else {
                start++;
            }
        }
        return found;
    }

    /**
     * The search for the rule's words in one prompt. Each word can end at several places (a run of single letters
     * matches "a" at every length), so trying every combination is exponential in the number of words; but where
     * word {@code from} starting at prompt word {@code at} leads depends on nothing else, so each pair is worked out
     * once: at most words × prompt words steps, each checked against the budget.
     */
    private final class Search {
        private static final int UNKNOWN = -2;
        private final List<PromptText.Word> prompt;
        private final ScreeningBudget budget;
        /** The result of {@link #matchWords} for (from, at), or UNKNOWN. */
        private final int[][] known;
        /** {@link #unitEnds} of each distinct word pattern by prompt position, null until needed. */
        private final Map<Pattern, List<Integer>[]> ends = new IdentityHashMap<>();

        Search(List<PromptText.Word> prompt, ScreeningBudget budget) {
            this.prompt = prompt;
            this.budget = budget;
            this.known = new int[words.size()][];
        }

        /** The end (exclusive) of the rule's words {@code from..} matched from prompt word {@code at}, or -1. */
        int matchWords(int from, int at) {
            if (from == words.size()) {
                return at;
            }
            if (words.size() == 1) {
                return -1; // a single word is tried as "together"
            }
            if (known[from] == null) {
                known[from] = new int[prompt.size() + 1];
                Arrays.fill(known[from], UNKNOWN);
            }
            if (known[from][at] != UNKNOWN) {
                return known[from][at];
            }
            budget.check(rule);
            int result = -1;
            for (int end : ends(from, at)) {
                int matched = matchWords(from + 1, end);
                if (matched >= 0) {
                    result = matched;
                    break;
                }
            }
            known[from][at] = result;
            return result;
        }

        /** Where word {@code from} can end from {@code at}, worked out once for all words of the same pattern. */
        @SuppressWarnings("unchecked")
        private List<Integer> ends(int from, int at) {
            List<Integer>[] byPosition = ends.computeIfAbsent(words.get(from), w -> new List[prompt.size() + 1]);
            if (byPosition[at] == null) {
                byPosition[at] = unitEnds(words.get(from), prompt, at, longestWordRun[from]);
            }
            return byPosition[at];
        }
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
