package dev.sdbot.inference.weights.pickled;

import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.SafetensorsWriter;
import dev.sdbot.inference.weights.pickled.PickleValues.Storage;
import dev.sdbot.inference.weights.pickled.PickleValues.Tensor;
import dev.sdbot.inference.weights.pickled.PickleValues.Tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A {@code torch.save} zip archive ({@code NAME/data.pkl} + {@code NAME/data/KEY} storages, torch ≥ 1.6) read as
 * named tensors: the pickle goes through {@link RestrictedUnpickler}, nested dicts become dotted names (a Lightning
 * checkpoint's {@code state_dict} is unwrapped as A1111 does), plain values become safetensors metadata.
 */
public final class TorchArchive implements AutoCloseable {
    private static final long MAX_PICKLE_BYTES = 512L << 20;

    private final Path path;
    private final ZipFile zip;
    private final String prefix;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private TorchArchive(Path path, ZipFile zip, String prefix, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.path = path;
        this.zip = zip;
        this.prefix = prefix;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** @throws PickleRefusedException when the archive is malformed or its pickle asks for more than weights */
    public static TorchArchive open(Path path) {
        checkZipMagic(path);
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (IOException e) {
            throw new PickleRefusedException("refused to load " + path + ": not a readable zip archive (" + e.getMessage() + ")");
        }
        try {
            String pickleName = pickleEntry(path, zip);
            ZipEntry pickle = zip.getEntry(pickleName);
            if (pickle.getSize() > MAX_PICKLE_BYTES) {
                throw new PickleRefusedException("refused to load " + path + ": its pickle declares "
                        + pickle.getSize() + " bytes");
            }
            byte[] program;
            try (InputStream in = zip.getInputStream(pickle)) {
                program = in.readNBytes((int) MAX_PICKLE_BYTES);
            }
            Object root = RestrictedUnpickler.load(program, path.toString());
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            flatten("", unwrapStateDict(root), tensors, metadata);
            return new TorchArchive(path, zip, pickleName.substring(0, pickleName.length() - "data.pkl".length()),
                    Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            closeQuietly(zip);
            if (e instanceof CheckpointException ce) {
                throw ce;
            }
            throw new PickleRefusedException("refused to load " + path + ": " + e.getMessage());
        }
    }

    /** Writes every tensor (contiguous, stored dtype) and the plain values to a {@code .safetensors} file. */
    public void writeSafetensors(Path target) {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        StorageCache cache = new StorageCache();
        tensors.forEach((name, tensor) -> entries.add(new SafetensorsWriter.Entry(name, tensor.storage().dtype().name(),
                tensor.size(), () -> StridedCopy.contiguous(tensor, cache.bytes(tensor.storage())))));
        SafetensorsWriter.write(target, entries, metadata);
    }

    Map<String, Tensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    private static void checkZipMagic(Path path) {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
            throw new PickleRefusedException("refused to load " + path + ": not a torch zip archive (the legacy"
                    + " format of torch.save before 1.6 and plain pickles are not read); convert it with a current torch");
        }
    }

    /** The one {@code DIR/data.pkl}; any entry name that climbs out of the archive (zip slip) is refused. */
    private static String pickleEntry(Path path, ZipFile zip) {
        String found = null;
        for (ZipEntry entry : Collections.list(zip.entries())) {
            String name = entry.getName();
            if (name.contains("..") || name.startsWith("/") || name.contains("\\") || name.contains(":")) {
                throw new PickleRefusedException("refused to load " + path + ": the archive entry '" + name
                        + "' points outside the archive");
            }
            if (name.matches("[^/]+/data\\.pkl")) {
                if (found != null) {
                    throw new PickleRefusedException("refused to load " + path + ": more than one data.pkl");
                }
                found = name;
            }
        }
        if (found == null) {
            throw new PickleRefusedException("refused to load " + path + ": no data.pkl (not a torch.save archive)");
        }
        return found;
    }

    private static Object unwrapStateDict(Object root) {
        if (root instanceof Map<?, ?> map && map.get("state_dict") instanceof Map<?, ?> stateDict) {
            return stateDict;
        }
        return root;
    }

    private static void flatten(String name, Object value, Map<String, Tensor> tensors, Map<String, String> metadata) {
        if (value instanceof Tensor tensor) {
            tensors.put(name, tensor);
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(join(name, String.valueOf(k)), v, tensors, metadata));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(join(name, Integer.toString(i)), list.get(i), tensors, metadata);
            }
        } else if (value instanceof Tuple tuple) {
            flatten(name, tuple.items(), tensors, metadata);
        } else if (!name.isEmpty() && (value instanceof String || value instanceof Number || value instanceof Boolean)) {
            metadata.put(name, String.valueOf(value));
        }
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    /** Storages are read once each while writing consecutive tensors that share one (tied weights, views). */
    private final class StorageCache {
        private String key;
        private byte[] bytes;

        byte[] bytes(Storage storage) {
            if (!storage.key().equals(key)) {
                bytes = read(storage);
                key = storage.key();
            }
            return bytes;
        }
    }

    private byte[] read(Storage storage) {
        String name = prefix + "data/" + storage.key();
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new PickleRefusedException("refused to load " + path + ": storage " + storage.key() + " is missing");
        }
        long declared;
        try {
            declared = Math.multiplyExact(storage.numel(), storage.dtype().bytes);
        } catch (ArithmeticException e) {
            declared = Long.MAX_VALUE;
        }
        if (entry.getSize() != declared) {
            throw new PickleRefusedException("refused to load " + path + ": storage " + storage.key() + " declares "
                    + storage.numel() + " elements but the archive holds " + entry.getSize() + " bytes");
        }
        if (declared > Integer.MAX_VALUE - 16) {
            throw new CheckpointException("storage " + storage.key() + " of " + path + " is larger than 2 GiB");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes((int) declared);
            if (bytes.length != declared) {
                throw new PickleRefusedException("refused to load " + path + ": storage " + storage.key() + " is truncated");
            }
            return bytes;
        } catch (IOException e) {
            throw new CheckpointException("cannot read storage " + storage.key() + " of " + path + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // the open already failed; the first error is the one to report
        }
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }
}
