package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Noise drawn in advance, handed out in order. Production draws it from the seeded generator before the
 * loop (so concurrent requests cannot interleave with the global torch generator); parity tests fill
 * it with the reference's recorded noise.
 */
public final class QueuedNoise implements NoiseSource {
    private final Deque<NDArray> queue;

    public QueuedNoise(List<NDArray> noise) {
        this.queue = new ArrayDeque<>(noise);
    }

    /** One tensor per entry of the first axis, each keeping that axis as size 1 ([n,1,c,h,w] → n × [1,c,h,w]). */
    public static QueuedNoise split(NDArray stacked) {
        NDList parts = stacked.split(stacked.getShape().get(0));
        return new QueuedNoise(parts.stream().map(p -> p.squeeze(0)).toList());
    }

    @Override
    public NDArray next(NDManager manager, Shape shape) {
        NDArray next = queue.poll();
        if (next == null) {
            throw new IllegalStateException("no step noise left");
        }
        if (!next.getShape().equals(shape)) {
            throw new IllegalStateException("step noise has shape " + next.getShape() + ", the sampler needs " + shape);
        }
        return next;
    }
}
