package dev.sdbot.inference.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes a {@code .safetensors} file: header JSON padded to 8 bytes, then the tensors' bytes in name order. The file
 * appears whole or not at all (written beside the target, then moved over it).
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {
    }

    /**
     * One tensor to write.
     *
     * @param dtype safetensors dtype name (F32, F16, BF16, I64...)
     * @param bytes little-endian, row-major; asked for once, while writing
     */
    public record Entry(String name, String dtype, long[] shape, Supplier<byte[]> bytes) {
    }

    public static void write(Path target, List<Entry> entries, Map<String, String> metadata) {
        List<Entry> sorted = entries.stream().sorted(Comparator.comparing(Entry::name)).toList();
        Path temp = target.resolveSibling(target.getFileName() + ".partial");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] header = header(target, sorted, metadata);
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                for (Entry entry : sorted) {
                    writeFully(out, ByteBuffer.wrap(entry.bytes().get()));
                }
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    private static byte[] header(Path target, List<Entry> entries, Map<String, String> metadata) {
        JsonObject json = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            json.add("__metadata__", meta);
        }
        long offset = 0;
        for (Entry entry : entries) {
            long length = Arrays.stream(entry.shape()).reduce(1, Math::multiplyExact) * SafetensorsFile.elementSize(entry.dtype(), entry.name(), target);
            JsonObject tensor = new JsonObject();
            tensor.addProperty("dtype", entry.dtype());
            JsonArray shape = new JsonArray();
            Arrays.stream(entry.shape()).forEach(shape::add);
            tensor.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + length);
            tensor.add("data_offsets", offsets);
            json.add(entry.name(), tensor);
            offset += length;
        }
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(text, (text.length + 7) / 8 * 8);
        Arrays.fill(padded, text.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the write already failed; that error is the one to report
        }
    }
}
