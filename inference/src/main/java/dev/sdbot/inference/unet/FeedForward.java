package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.sdbot.inference.nn.Activations;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.nn.Weights;

/** diffusers FeedForward with GEGLU: {@code net.2(a * gelu(b))} where {@code (a, b) = net.0.proj(x)} split in halves. */
final class FeedForward {
    private final Linear proj;
    private final Linear out;

    private FeedForward(Linear proj, Linear out) {
        this.proj = proj;
        this.out = out;
    }

    static FeedForward load(Weights w) {
        return new FeedForward(Linear.load(w, "net.0.proj"), Linear.load(w, "net.2"));
    }

    NDArray forward(NDArray x) {
        NDList halves = proj.forward(x).split(2, x.getShape().dimension() - 1);
        NDArray gated = Activations.gelu(halves.get(1)).muli(halves.get(0));
        return out.forward(gated);
    }
}
