package dev.sdbot.bot.features.moderation.filter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The built-in word list ({@code filters/default-words.txt}) a guild can switch on: BLOCK rules. */
public final class DefaultWordList {
    private static final String RESOURCE = "/filters/default-words.txt";

    private final List<CompiledRule> rules;

    private DefaultWordList(List<CompiledRule> rules) {
        this.rules = rules;
    }

    public static DefaultWordList load() {
        try (InputStream in = DefaultWordList.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            List<CompiledRule> rules = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .<CompiledRule>map(word -> new PhraseRule(new FilterRuleRef(null, RuleKind.PHRASE, word, FilterAction.BLOCK)))
                    .toList();
            return new DefaultWordList(rules);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<CompiledRule> rules() {
        return rules;
    }

    public int size() {
        return rules.size();
    }
}
