package dev.sdbot.inference.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tree of A1111's prompt-editing grammar ({@code schedule_parser} in its {@code prompt_parser.py}, a Lark grammar):
 * <pre>
 * start:      (prompt | /[][():]/+)*
 * prompt:     (emphasized | scheduled | alternate | plain | WHITESPACE)*
 * emphasized: "(" prompt ")" | "(" prompt ":" prompt ")" | "[" prompt "]"
 * scheduled:  "[" [prompt ":"] prompt ":" [WHITESPACE] NUMBER [WHITESPACE] "]"
 * alternate:  "[" prompt ("|" [prompt])+ "]"
 * plain:      /([^\\\[\]():|]|\\.)+/
 * </pre>
 * Inside a bracket every bracket must open a construct; at the top level a bracket, colon or parenthesis that does
 * not is kept as literal text, and a construct is preferred to reading its characters as literals (A1111's parser
 * resolves that ambiguity the same way). Text outside schedules and alternations, emphasis included, is kept
 * verbatim: the attention parse comes later, per step.
 */
final class ScheduleSyntax {
    /** A piece of prompt that renders to text at a step. */
    sealed interface Node permits Literal, Sequence, Scheduled, Alternate {
    }

    record Literal(String text) implements Node {
    }

    record Sequence(List<Node> items) implements Node {
    }

    /** {@code [before:after:number]}; {@code before} is null for {@code [after:number]}. */
    record Scheduled(Node before, Node after, String number) implements Node {
    }

    /** {@code [a|b|...]}, one option per step in turn. */
    record Alternate(List<Node> options) implements Node {
    }

    /** Lark's common SIGNED_NUMBER (ASCII digits) between optional whitespace, then the closing bracket. */
    private static final Pattern NUMBER_CLOSE = Pattern.compile(
            "\\s*([+-]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+(?:[eE][+-]?[0-9]+)?))\\s*]",
            Pattern.UNICODE_CHARACTER_CLASS);

    private final String s;

    private ScheduleSyntax(String s) {
        this.s = s;
    }

    /** The prompt's tree, or null where A1111's grammar rejects it (a stray {@code |}, a trailing backslash). */
    static Node parse(String prompt) {
        return new ScheduleSyntax(prompt).start();
    }

    private record Parsed(Node node, int end) {
    }

    private Node start() {
        List<Node> items = new ArrayList<>();
        int pos = 0;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '[' || c == '(') {
                Parsed construct = construct(pos);
                if (construct != null) {
                    items.add(construct.node());
                    pos = construct.end();
                    continue;
                }
            }
            if (c == '[' || c == ']' || c == '(' || c == ')' || c == ':') {
                items.add(new Literal(String.valueOf(c)));
                pos++;
                continue;
            }
            int end = plain(pos);
            if (end == pos) {
                return null;
            }
            items.add(new Literal(s.substring(pos, end)));
            pos = end;
        }
        return new Sequence(items);
    }

    /** A prompt from {@code pos}: it ends before the first character it cannot take ({@code ] ) : |}, an unmatched bracket). */
    private Parsed prompt(int pos) {
        List<Node> items = new ArrayList<>();
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '[' || c == '(') {
                Parsed construct = construct(pos);
                if (construct == null) {
                    break;
                }
                items.add(construct.node());
                pos = construct.end();
                continue;
            }
            int end = plain(pos);
            if (end == pos) {
                break;
            }
            items.add(new Literal(s.substring(pos, end)));
            pos = end;
        }
        return new Parsed(new Sequence(items), pos);
    }

    /** The end of plain text (whitespace included) from {@code pos}; {@code pos} itself when there is none. */
    private int plain(int pos) {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\\') {
                // Python's "\\." : any character but a newline after the backslash
                if (pos + 1 >= s.length() || s.charAt(pos + 1) == '\n') {
                    return pos;
                }
                pos += 1 + Character.charCount(s.codePointAt(pos + 1));
            } else if (c == '[' || c == ']' || c == '(' || c == ')' || c == ':' || c == '|') {
                return pos;
            } else {
                pos++;
            }
        }
        return pos;
    }

    /** An emphasis, schedule or alternation opening at {@code pos}, or null when none closes. */
    private Parsed construct(int pos) {
        boolean round = s.charAt(pos) == '(';
        Parsed first = prompt(pos + 1);
        int at = first.end();
        if (at >= s.length()) {
            return null;
        }
        char c = s.charAt(at);
        if (round) {
            if (c == ')') {
                return new Parsed(new Sequence(List.of(new Literal("("), first.node(), new Literal(")"))), at + 1);
            }
            if (c != ':') {
                return null;
            }
            Parsed second = prompt(at + 1);
            if (second.end() >= s.length() || s.charAt(second.end()) != ')') {
                return null;
            }
            return new Parsed(new Sequence(List.of(new Literal("("), first.node(), new Literal(":"), second.node(),
                    new Literal(")"))), second.end() + 1);
        }
        return switch (c) {
            case ']' -> new Parsed(new Sequence(List.of(new Literal("["), first.node(), new Literal("]"))), at + 1);
            case '|' -> alternate(first, at);
            case ':' -> scheduled(first, at);
            default -> null;
        };
    }

    private Parsed alternate(Parsed first, int at) {
        List<Node> options = new ArrayList<>(List.of(first.node()));
        while (at < s.length() && s.charAt(at) == '|') {
            Parsed option = prompt(at + 1);
            options.add(option.node());
            at = option.end();
        }
        if (at >= s.length() || s.charAt(at) != ']') {
            return null;
        }
        return new Parsed(new Alternate(List.copyOf(options)), at + 1);
    }

    /** {@code [first:NUMBER]}, else {@code [first:second:NUMBER]}; {@code colon} is the index of the first colon. */
    private Parsed scheduled(Parsed first, int colon) {
        Matcher m = NUMBER_CLOSE.matcher(s).region(colon + 1, s.length());
        if (m.lookingAt()) {
            return new Parsed(new Scheduled(null, first.node(), m.group(1)), m.end());
        }
        Parsed second = prompt(colon + 1);
        int at = second.end();
        if (at >= s.length() || s.charAt(at) != ':') {
            return null;
        }
        m.region(at + 1, s.length());
        if (!m.lookingAt()) {
            return null;
        }
        return new Parsed(new Scheduled(first.node(), second.node(), m.group(1)), m.end());
    }
}
