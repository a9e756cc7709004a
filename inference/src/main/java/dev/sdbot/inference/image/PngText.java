package dev.sdbot.inference.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * PNG text chunks, written the way Pillow's {@code PngInfo.add_text} does (and so A1111): a
 * {@code tEXt} chunk when the text is Latin-1, otherwise an uncompressed UTF-8 {@code iTXt} chunk.
 * The reader understands tEXt, zTXt and iTXt.
 */
public final class PngText {
    /** Largest decompressed text accepted from a zTXt/iTXt chunk (guards against zip bombs). */
    private static final int MAX_TEXT_BYTES = 1 << 20;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngText() {
    }

    /** Returns {@code png} with one text chunk per entry inserted right after IHDR. */
    public static byte[] insert(byte[] png, Map<String, String> text) {
        checkSignature(png);
        int afterIhdr = SIGNATURE.length + 12 + readInt(png, SIGNATURE.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 256);
        out.write(png, 0, afterIhdr);
        for (Map.Entry<String, String> e : text.entrySet()) {
            writeChunk(out, textChunk(e.getKey(), e.getValue()));
        }
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    /** All text chunks of a PNG, keyword → text, in file order. */
    public static Map<String, String> read(byte[] png) {
        checkSignature(png);
        Map<String, String> result = new LinkedHashMap<>();
        int pos = SIGNATURE.length;
        while (pos + 12 <= png.length) {
            int length = readInt(png, pos);
            if (length < 0 || pos + 12L + length > png.length) {
                throw new IllegalArgumentException("corrupt PNG: chunk at byte " + pos + " overruns the file");
            }
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            byte[] data = Arrays.copyOfRange(png, pos + 8, pos + 8 + length);
            switch (type) {
                case "tEXt" -> putLatin1(result, data, false);
                case "zTXt" -> putLatin1(result, data, true);
                case "iTXt" -> putInternational(result, data);
                case "IEND" -> {
                    return result;
                }
                default -> {
                }
            }
            pos += 12 + length;
        }
        return result;
    }

    private static ChunkBytes textChunk(String keyword, String text) {
        if (keyword.isEmpty() || keyword.length() > 79 || !latin1(keyword)) {
            throw new IllegalArgumentException("PNG text keyword must be 1-79 Latin-1 characters: '" + keyword + "'");
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(keyword.getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        if (latin1(text)) {
            data.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
            return new ChunkBytes("tEXt", data.toByteArray());
        }
        // compression flag 0, method 0, empty language tag, empty translated keyword
        data.writeBytes(new byte[]{0, 0, 0, 0});
        data.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        return new ChunkBytes("iTXt", data.toByteArray());
    }

    private record ChunkBytes(String type, byte[] data) {
    }

    private static boolean latin1(String s) {
        return StandardCharsets.ISO_8859_1.newEncoder().canEncode(s);
    }

    private static void writeChunk(ByteArrayOutputStream out, ChunkBytes chunk) {
        byte[] type = chunk.type().getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(ByteBuffer.allocate(4).putInt(chunk.data().length).array());
        out.writeBytes(type);
        out.writeBytes(chunk.data());
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(chunk.data());
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static void putLatin1(Map<String, String> result, byte[] data, boolean compressed) {
        int nul = indexOf(data, 0);
        if (nul <= 0) {
            return;
        }
        String keyword = new String(data, 0, nul, StandardCharsets.ISO_8859_1);
        byte[] body = compressed ? inflate(Arrays.copyOfRange(data, nul + 2, data.length))
                : Arrays.copyOfRange(data, nul + 1, data.length);
        result.put(keyword, new String(body, StandardCharsets.ISO_8859_1));
    }

    private static void putInternational(Map<String, String> result, byte[] data) {
        int nul = indexOf(data, 0);
        if (nul <= 0 || nul + 3 > data.length) {
            return;
        }
        String keyword = new String(data, 0, nul, StandardCharsets.ISO_8859_1);
        boolean compressed = data[nul + 1] != 0;
        int languageEnd = indexOf(data, nul + 3);
        int translatedEnd = languageEnd < 0 ? -1 : indexOf(data, languageEnd + 1);
        if (translatedEnd < 0) {
            return;
        }
        byte[] body = Arrays.copyOfRange(data, translatedEnd + 1, data.length);
        result.put(keyword, new String(compressed ? inflate(body) : body, StandardCharsets.UTF_8));
    }

    /** Index of the first NUL at or after {@code from}, or -1. */
    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] inflate(byte[] compressed) {
        Inflater inflater = new Inflater();
        inflater.setInput(compressed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("corrupt compressed PNG text chunk");
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_TEXT_BYTES) {
                    throw new IllegalArgumentException("compressed PNG text chunk is larger than " + MAX_TEXT_BYTES + " bytes");
                }
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt compressed PNG text chunk: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        return out.toByteArray();
    }

    private static void checkSignature(byte[] png) {
        if (png.length < SIGNATURE.length + 12 || !Arrays.equals(png, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
            throw new IllegalArgumentException("not a PNG file");
        }
    }

    private static int readInt(byte[] b, int pos) {
        return ByteBuffer.wrap(b, pos, 4).getInt();
    }
}
