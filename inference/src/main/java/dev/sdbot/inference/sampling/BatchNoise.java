package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Step noise for a batch of images: item i of every draw comes from image i's own source, so an image
 * sees the same noise batched as alone (its seed, its order).
 */
public final class BatchNoise implements NoiseSource {
    private final List<NoiseSource> perImage;

    public BatchNoise(List<NoiseSource> perImage) {
        this.perImage = List.copyOf(perImage);
    }

    @Override
    public NDArray next(NDManager manager, Shape shape) {
        if (shape.get(0) != perImage.size()) {
            throw new IllegalStateException("step noise for " + perImage.size() + " images, the sampler asks for "
                    + shape);
        }
        long[] one = shape.getShape();
        one[0] = 1;
        NDList items = new NDList(perImage.size());
        for (NoiseSource source : perImage) {
            items.add(source.next(manager, new Shape(one)));
        }
        return items.size() == 1 ? items.get(0) : NDArrays.concat(items, 0);
    }
}
