package dev.sdbot.inference.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * Token embeddings to use instead of the vocabulary's at some input positions: A1111's {@code EmbeddingsWithFixes},
 * which puts a textual-inversion embedding's vectors where its placeholder tokens are; position embeddings are added
 * after, as there.
 *
 * @param positions indices into the flattened (batch x length) input
 * @param rows      one vector per position, of the encoder's width
 */
public record InputVectors(int[] positions, float[][] rows) {
    public static final InputVectors NONE = new InputVectors(new int[0], new float[0][]);

    public InputVectors {
        if (positions.length != rows.length) {
            throw new IllegalArgumentException("one vector per position");
        }
    }

    public boolean isEmpty() {
        return positions.length == 0;
    }

    /** {@code tokens} (N, D) with the rows at {@link #positions} replaced, in {@code tokens}' dtype and manager. */
    NDArray apply(NDArray tokens, NDManager manager) {
        if (isEmpty()) {
            return tokens;
        }
        long n = tokens.getShape().get(0);
        int width = (int) tokens.getShape().get(1);
        float[] flat = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("a vector of width " + rows[i].length + " for an encoder of width " + width);
            }
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        NDArray extra = manager.create(flat, new Shape(rows.length, width)).toType(tokens.getDataType(), false);
        long[] index = new long[(int) n];
        Arrays.setAll(index, i -> i);
        for (int i = 0; i < positions.length; i++) {
            index[positions[i]] = n + i;
        }
        // a gather from [tokens; vectors]: every row is copied unchanged, so replacing a row by itself changes nothing
        NDArray table = NDArrays.concat(new NDList(tokens, extra), 0);
        return table.get(manager.create(index));
    }
}
