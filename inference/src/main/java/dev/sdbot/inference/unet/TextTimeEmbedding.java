package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;

/**
 * SDXL's added conditioning ({@code addition_embed_type: text_time}): each of the six size/crop ids
 * {@code [orig_h, orig_w, crop_top, crop_left, target_h, target_w]} gets the sinusoidal embedding of width
 * {@code addition_time_embed_dim}; flattened and appended to the pooled text embedding, they go through
 * {@code add_embedding} (linear, silu, linear) and are added to the timestep embedding.
 */
final class TextTimeEmbedding {
    private final TimestepEmbedding addEmbedding;
    private final int timeDim;
    private final boolean flipSinToCos;
    private final int freqShift;

    private TextTimeEmbedding(TimestepEmbedding addEmbedding, int timeDim, boolean flipSinToCos, int freqShift) {
        this.addEmbedding = addEmbedding;
        this.timeDim = timeDim;
        this.flipSinToCos = flipSinToCos;
        this.freqShift = freqShift;
    }

    /** @param w the weights under {@code add_embedding} */
    static TextTimeEmbedding load(Weights w, int timeDim, boolean flipSinToCos, int freqShift) {
        return new TextTimeEmbedding(TimestepEmbedding.load(w, timeDim, flipSinToCos, freqShift), timeDim,
                flipSinToCos, freqShift);
    }

    /**
     * @param pooled  (B, P) pooled text embeddings
     * @param sizeIds (B, 6) size/crop ids in pixels
     * @return (B, time_embed_dim) in {@code type}
     */
    NDArray forward(NDArray pooled, NDArray sizeIds, DataType type) {
        long batch = sizeIds.getShape().get(0);
        NDArray timeEmbeds = TimestepEmbedding.sinusoidal(sizeIds, timeDim, flipSinToCos, freqShift)
                .reshape(batch, -1);
        NDArray input = NDArrays.concat(new NDList(pooled.toType(DataType.FLOAT32, false), timeEmbeds), 1);
        return addEmbedding.mlp(input.toType(type, false));
    }
}
