package dev.sdbot.inference.embedding;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.SafetensorsFile;

import dev.sdbot.inference.api.InvalidRequestException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an embedding file in the formats A1111's {@code EmbeddingDatabase.load_from_file} reads, in its order:
 * <ul>
 *   <li>A1111's own {@code string_to_param} (one term, usually {@code '*'}), from a {@code .pt}/{@code .bin};</li>
 *   <li>SDXL's {@code clip_l} + {@code clip_g};</li>
 *   <li>a single tensor under any key: diffusers' concept ({@code <name>}), kohya's {@code emb_params}; a 1-D tensor
 *       is one vector;</li>
 *   <li>A1111's image embeddings ({@code .png}/{@code .webp}: {@link ImageEmbedding}).</li>
 * </ul>
 * Safetensors are read directly, pickles through the restricted unpickler ({@link SafetensorsFile#open}). Vectors
 * come back as fp32, as A1111 keeps them.
 */
public final class EmbeddingFile {
    /** More vectors than a 75-token chunk holds cannot be placed (A1111 fails on them). */
    static final int MAX_VECTORS = 75;
    private static final String A1111_PREFIX = "string_to_param.";

    private EmbeddingFile() {
    }

    /** @throws CheckpointException naming the file when it is none of the formats */
    public static Embedding read(Path file, String name, String shortHash) {
        if (ImageEmbedding.isImageName(file.getFileName().toString())) {
            return fromImage(file, name, shortHash);
        }
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Set<String> keys = f.keys();
            List<String> a1111 = keys.stream().filter(k -> k.startsWith(A1111_PREFIX)).toList();
            Map<String, float[][]> rows;
            if (!a1111.isEmpty()) {
                if (a1111.size() != 1) {
                    throw refused(file, "its string_to_param holds " + a1111.size() + " terms, A1111 reads one");
                }
                rows = Map.of(Embedding.SINGLE, matrix(f, a1111.get(0), manager, file, false));
            } else if (keys.contains(Embedding.CLIP_L) && keys.contains(Embedding.CLIP_G)) {
                rows = Map.of(Embedding.CLIP_L, matrix(f, Embedding.CLIP_L, manager, file, false),
                        Embedding.CLIP_G, matrix(f, Embedding.CLIP_G, manager, file, false));
                if (rows.get(Embedding.CLIP_L).length != rows.get(Embedding.CLIP_G).length) {
                    throw refused(file, "clip_l and clip_g hold different numbers of vectors");
                }
            } else if (keys.size() == 1) {
                rows = Map.of(Embedding.SINGLE, matrix(f, keys.iterator().next(), manager, file, true));
            } else {
                throw refused(file, "it is neither a textual-inversion embedding (string_to_param, clip_l + clip_g) nor a"
                        + " single-tensor concept (it holds " + keys.size() + " tensors)");
            }
            int vectors = rows.values().iterator().next().length;
            if (vectors < 1 || vectors > MAX_VECTORS) {
                throw refused(file, "it holds " + vectors + " vectors; an embedding takes 1 to " + MAX_VECTORS);
            }
            return new Embedding(name, shortHash, vectors, rows);
        }
    }

    private static Embedding fromImage(Path file, String name, String shortHash) {
        float[][] rows;
        try {
            rows = ImageEmbedding.read(Files.readAllBytes(file))
                    .orElseThrow(() -> refused(file, "it is a picture without embedding data (no " + ImageEmbedding.TEXT_KEY
                            + " text chunk, no data hidden in its pixels)"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read embedding " + file, e);
        } catch (InvalidRequestException | IllegalArgumentException e) {
            throw refused(file, e.getMessage());
        }
        if (rows.length < 1 || rows.length > MAX_VECTORS) {
            throw refused(file, "it holds " + rows.length + " vectors; an embedding takes 1 to " + MAX_VECTORS);
        }
        return new Embedding(name, shortHash, rows.length, Map.of(Embedding.SINGLE, rows));
    }

    private static float[][] matrix(SafetensorsFile f, String key, NDManager manager, Path file, boolean vectorAllowed) {
        long[] shape = f.info(key).shape();
        if (shape.length == 1 && vectorAllowed) {
            shape = new long[] {1, shape[0]};
        }
        if (shape.length != 2 || shape[0] < 1 || shape[1] < 1) {
            throw refused(file, "its tensor '" + key + "' is not a (vectors, width) matrix");
        }
        NDArray array = f.load(key, manager, DataType.FLOAT32);
        float[] flat = array.toFloatArray();
        float[][] rows = new float[(int) shape[0]][(int) shape[1]];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(flat, r * rows[r].length, rows[r], 0, rows[r].length);
        }
        return rows;
    }

    private static CheckpointException refused(Path file, String why) {
        return new CheckpointException("embedding " + file.getFileName() + " cannot be read: " + why);
    }
}
