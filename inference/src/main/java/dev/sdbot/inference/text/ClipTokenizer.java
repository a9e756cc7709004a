package dev.sdbot.inference.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE tokenizer, matching transformers' CLIPTokenizer(Fast) without ftfy: NFC, whitespace
 * runs folded to one space, lower-case, split by CLIP's word pattern, byte-level BPE with {@code </w>} word ends.
 * (transformers does not HTML-unescape without ftfy, so neither do we.) Thread-safe.
 */
public final class ClipTokenizer {
    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";

    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final String[] BYTE_TO_CHAR = byteEncoder();
    /** Words whose BPE is remembered; a long-running bot sees unbounded distinct words, so the cache is capped. */
    private static final int CACHE_LIMIT = 50_000;

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> mergeRanks;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int maxLength;

    private ClipTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks, int padId, int maxLength) {
        this.vocab = vocab;
        this.mergeRanks = mergeRanks;
        this.bosId = id(vocab, BOS);
        this.eosId = id(vocab, EOS);
        this.padId = padId;
        this.maxLength = maxLength;
    }

    /**
     * Loads a diffusers/transformers tokenizer folder: {@code vocab.json}, {@code merges.txt} and, when present,
     * {@code tokenizer_config.json} / {@code special_tokens_map.json} for the pad token and maximum length.
     */
    public static ClipTokenizer load(Path dir) {
        Path vocabFile = dir.resolve("vocab.json");
        Path mergesFile = dir.resolve("merges.txt");
        if (!Files.isRegularFile(vocabFile) || !Files.isRegularFile(mergesFile)) {
            throw new TokenizerException("tokenizer folder " + dir + " lacks vocab.json or merges.txt");
        }
        try (Reader v = Files.newBufferedReader(vocabFile, StandardCharsets.UTF_8);
             BufferedReader m = Files.newBufferedReader(mergesFile, StandardCharsets.UTF_8)) {
            Map<String, Integer> vocab = readVocab(v);
            JsonObject config = readOptionalJson(dir.resolve("tokenizer_config.json"));
            JsonObject specials = readOptionalJson(dir.resolve("special_tokens_map.json"));
            String pad = tokenString(config.get("pad_token"));
            if (pad == null) {
                pad = tokenString(specials.get("pad_token"));
            }
            int maxLength = config.has("model_max_length") && config.get("model_max_length").getAsDouble() < 1e6
                    ? config.get("model_max_length").getAsInt() : 77;
            int padId = pad == null ? id(vocab, EOS) : id(vocab, pad);
            return new ClipTokenizer(vocab, readMerges(m), padId, maxLength);
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer in " + dir + ": " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            throw new TokenizerException("corrupt tokenizer files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The CLIP vocabulary bundled with the engine, for single-file checkpoints that carry no tokenizer.
     *
     * @param padId 49407 (end of text) for SD 1.x, 0 ("!") for SD 2.x
     */
    public static ClipTokenizer bundled(int padId) {
        try (Reader v = resource("clip-vocab.json.gz"); BufferedReader m = resource("clip-merges.txt.gz")) {
            return new ClipTokenizer(readVocab(v), readMerges(m), padId, 77);
        } catch (IOException e) {
            throw new UncheckedIOException("bundled CLIP vocabulary unreadable", e);
        }
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    /** Sequence length the text encoder takes, BOS and EOS included (77). */
    public int maxLength() {
        return maxLength;
    }

    /** Tokens that fit between BOS and EOS (75). */
    public int chunkLength() {
        return maxLength - 2;
    }

    /** Token ids of the prompt, without BOS/EOS, not truncated. */
    public int[] tokenize(String text) {
        List<Integer> ids = new ArrayList<>();
        Matcher words = WORDS.matcher(normalize(text));
        while (words.find()) {
            String word = words.group();
            if (word.equals(BOS)) {
                ids.add(bosId);
            } else if (word.equals(EOS)) {
                ids.add(eosId);
            } else {
                if (cache.size() > CACHE_LIMIT) {
                    cache.clear();
                }
                for (int id : cache.computeIfAbsent(word, this::bpe)) {
                    ids.add(id);
                }
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** What transformers gives with {@code padding="max_length", truncation=True}: BOS, at most 75 tokens, EOS, pads. */
    public int[] encode(String text) {
        return frame(tokenize(text));
    }

    /** BOS + tokens (truncated to {@link #chunkLength()}) + EOS, padded to {@link #maxLength()}. */
    public int[] frame(int[] tokens) {
        int n = Math.min(tokens.length, chunkLength());
        int[] ids = new int[maxLength];
        Arrays.fill(ids, padId);
        ids[0] = bosId;
        System.arraycopy(tokens, 0, ids, 1, n);
        ids[n + 1] = eosId;
        return ids;
    }

    /** The prompt's tokens cut into pieces of at most 75 (one empty piece for an empty prompt), unpadded. */
    public List<int[]> chunks(String text) {
        int[] tokens = tokenize(text);
        List<int[]> chunks = new ArrayList<>();
        for (int start = 0; start < tokens.length || chunks.isEmpty(); start += chunkLength()) {
            chunks.add(Arrays.copyOfRange(tokens, start, Math.min(tokens.length, start + chunkLength())));
        }
        return chunks;
    }

    /** Same normalizer as CLIPTokenizerFast: NFC, whitespace runs to one space, per-character lower case. */
    static String normalize(String text) {
        String folded = WHITESPACE.matcher(Normalizer.normalize(text, Normalizer.Form.NFC)).replaceAll(" ");
        StringBuilder lower = new StringBuilder(folded.length());
        // Character by character, as the Rust tokenizer does (no context-dependent final sigma).
        folded.codePoints().forEach(cp -> lower.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT)));
        return lower.toString();
    }

    private int[] bpe(String word) {
        List<String> symbols = new ArrayList<>();
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            symbols.add(BYTE_TO_CHAR[b & 0xff]);
        }
        symbols.set(symbols.size() - 1, symbols.get(symbols.size() - 1) + "</w>");
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            int best = -1;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer rank = mergeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            String first = symbols.get(best);
            String second = symbols.get(best + 1);
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocab.getOrDefault(symbols.get(i), eosId);
        }
        return ids;
    }

    /** GPT-2/CLIP's reversible byte → printable character table. */
    private static String[] byteEncoder() {
        String[] table = new String[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = String.valueOf((char) (printable ? b : 256 + extra++));
        }
        return table;
    }

    private static Map<String, Integer> readVocab(Reader reader) throws IOException {
        Map<String, Integer> vocab = new HashMap<>(1 << 17);
        try (JsonReader json = new JsonReader(reader)) {
            json.beginObject();
            while (json.peek() == JsonToken.NAME) {
                vocab.put(json.nextName(), json.nextInt());
            }
            json.endObject();
        }
        return vocab;
    }

    private static Map<String, Integer> readMerges(BufferedReader reader) throws IOException {
        Map<String, Integer> ranks = new HashMap<>(1 << 17);
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("#version") || line.isBlank()) {
                continue;
            }
            ranks.putIfAbsent(line, ranks.size());
        }
        return ranks;
    }

    private static JsonObject readOptionalJson(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return new JsonObject();
        }
        return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    /** A special token is either a plain string or an AddedToken object with "content". */
    private static String tokenString(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        return e.isJsonObject() ? e.getAsJsonObject().get("content").getAsString() : e.getAsString();
    }

    private static int id(Map<String, Integer> vocab, String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new TokenizerException("token '" + token + "' is not in the vocabulary");
        }
        return id;
    }

    private static BufferedReader resource(String name) throws IOException {
        InputStream in = ClipTokenizer.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing resource " + name);
        }
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
    }
}
