package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@code .safetensors} file read by memory-mapping each tensor on demand. Real checkpoints are
 * 2-7 GB, beyond what one {@link java.nio.MappedByteBuffer} (and DJL's own decoder) can hold, so
 * only the header is read eagerly and every tensor is mapped separately.
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    /**
     * Where one tensor lies.
     *
     * @param dtype safetensors dtype name (F32, F16, BF16, I64...)
     * @param shape dimensions; empty for a 0-dim tensor
     * @param begin offset in the data section
     * @param end   end offset (exclusive) in the data section
     */
    public record TensorInfo(String dtype, long[] shape, long begin, long end) {
        public long byteLength() {
            return end - begin;
        }
    }

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens and validates the header; throws {@link CheckpointException} with the reason when it is unusable. Pickled
     * weights ({@code .ckpt .pt .pth .bin}) are opened through their safe conversion ({@link PickledWeights}).
     */
    public static SafetensorsFile open(Path path) {
        if (PickledWeights.isPickled(path) && Files.isRegularFile(path)) {
            return open(PickledWeights.cached(path));
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint not found: " + path);
        } catch (IOException e) {
            throw new CheckpointException("cannot open checkpoint " + path + ": " + e.getMessage(), e);
        }
        try {
            return parse(path, channel);
        } catch (RuntimeException | IOException e) {
            closeQuietly(channel);
            if (e instanceof CheckpointException ce) {
                throw ce;
            }
            throw new CheckpointException("not a valid safetensors file: " + path + " (" + e.getMessage() + ")", e);
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new CheckpointException("not a safetensors file (only " + fileSize + " bytes): " + path);
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength <= 1 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
            throw new CheckpointException("not a safetensors file (bad header length " + headerLength + "): " + path);
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8);
        JsonObject header;
        try {
            header = JsonParser.parseString(new String(headerBytes.array(), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new CheckpointException("corrupt safetensors header in " + path + ": " + e.getMessage(), e);
        }
        long dataStart = 8 + headerLength;
        long dataLength = fileSize - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : header.entrySet()) {
            if (entry.getKey().equals("__metadata__")) {
                entry.getValue().getAsJsonObject().entrySet()
                        .forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
                continue;
            }
            TensorInfo info = tensorInfo(entry.getKey(), entry.getValue().getAsJsonObject(), path);
            if (info.end() > dataLength) {
                throw new CheckpointException("truncated checkpoint " + path + ": tensor '" + entry.getKey()
                        + "' ends at byte " + (dataStart + info.end()) + " but the file has " + fileSize + " bytes");
            }
            tensors.put(entry.getKey(), info);
        }
        return new SafetensorsFile(path, channel, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo tensorInfo(String name, JsonObject json, Path path) {
        String dtype = json.get("dtype").getAsString();
        int elementSize = elementSize(dtype, name, path);
        var shapeJson = json.getAsJsonArray("shape");
        long[] shape = new long[shapeJson.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeJson.get(i).getAsLong();
            if (shape[i] < 0) {
                throw new CheckpointException("corrupt checkpoint " + path + ": negative dimension in '" + name + "'");
            }
            count *= shape[i];
        }
        var offsets = json.getAsJsonArray("data_offsets");
        long begin = offsets.get(0).getAsLong();
        long end = offsets.get(1).getAsLong();
        if (begin < 0 || end < begin || end - begin != count * elementSize) {
            throw new CheckpointException("corrupt checkpoint " + path + ": tensor '" + name + "' has offsets ["
                    + begin + ", " + end + ") that do not match its shape and dtype " + dtype);
        }
        if (end - begin > Integer.MAX_VALUE) {
            throw new CheckpointException("tensor '" + name + "' in " + path + " is larger than 2 GiB");
        }
        return new TensorInfo(dtype, shape, begin, end);
    }

    static int elementSize(String dtype, String name, Path path) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "U8", "I8", "BOOL" -> 1;
            default -> throw new CheckpointException("unsupported dtype " + dtype + " of tensor '" + name + "' in " + path);
        };
    }

    private static DataType djlType(String dtype) {
        return switch (dtype) {
            case "F64" -> DataType.FLOAT64;
            case "F32" -> DataType.FLOAT32;
            case "F16" -> DataType.FLOAT16;
            case "BF16" -> DataType.BFLOAT16;
            case "I64" -> DataType.INT64;
            case "I32" -> DataType.INT32;
            case "I8" -> DataType.INT8;
            case "U8" -> DataType.UINT8;
            case "BOOL" -> DataType.BOOLEAN;
            default -> throw new CheckpointException("dtype " + dtype + " cannot be loaded");
        };
    }

    public Path path() {
        return path;
    }

    public Set<String> keys() {
        return tensors.keySet();
    }

    public boolean contains(String key) {
        return tensors.containsKey(key);
    }

    public TensorInfo info(String key) {
        TensorInfo info = tensors.get(key);
        if (info == null) {
            throw new CheckpointException("tensor '" + key + "' is missing from " + path);
        }
        return info;
    }

    /** The {@code __metadata__} string map of the header. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Loads a tensor in its stored dtype, copied into {@code manager}; BF16 comes back as FP32 (exactly: bf16 is the
     * top half of an fp32): DJL 0.36's PyTorch binding has no bfloat16 dtype, creating one aborts the process.
     */
    public NDArray load(String key, NDManager manager) {
        TensorInfo info = info(key);
        Shape shape = new Shape(info.shape());
        if (info.byteLength() == 0) {
            return manager.zeros(shape, djlType(info.dtype()));
        }
        ByteBuffer buffer;
        try {
            buffer = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteLength());
        } catch (IOException e) {
            throw new CheckpointException("cannot read tensor '" + key + "' from " + path + ": " + e.getMessage(), e);
        }
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        if (info.dtype().equals("BF16")) {
            return manager.create(widenBf16(buffer), shape);
        }
        return manager.create(buffer, shape, djlType(info.dtype()));
    }

    /** Loads a tensor converted to {@code dtype} (e.g. fp16/bf16 weights to fp32 compute). */
    public NDArray load(String key, NDManager manager, DataType dtype) {
        NDArray stored = load(key, manager);
        if (stored.getDataType() == dtype) {
            return stored;
        }
        NDArray converted = stored.toType(dtype, true);
        stored.close();
        return converted;
    }

    private static float[] widenBf16(ByteBuffer buffer) {
        float[] out = new float[buffer.remaining() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat((buffer.getShort() & 0xffff) << 16);
        }
        return out;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new CheckpointException("unexpected end of file");
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the open already failed
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
