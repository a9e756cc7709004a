package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.nn.Attention;
import dev.sdbot.inference.nn.GroupNorm;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.nn.Scope;
import dev.sdbot.inference.nn.Weights;

/**
 * The VAE mid-block attention: GroupNorm, then single-head attention over the H*W positions with
 * channel-wide q/k/v/out projections, plus the input. Weights in diffusers naming
 * ({@code group_norm, to_q, to_k, to_v, to_out.0}); 1x1-conv-shaped projection weights are accepted too.
 */
final class SpatialAttention {
    private final GroupNorm norm;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;

    private SpatialAttention(GroupNorm norm, Linear toQ, Linear toK, Linear toV, Linear toOut) {
        this.norm = norm;
        this.toQ = toQ;
        this.toK = toK;
        this.toV = toV;
        this.toOut = toOut;
    }

    static SpatialAttention load(Weights w, int groups, float eps) {
        return new SpatialAttention(GroupNorm.load(w, "group_norm", groups, eps),
                linear(w, "to_q"), linear(w, "to_k"), linear(w, "to_v"), linear(w, "to_out.0"));
    }

    private static Linear linear(Weights w, String prefix) {
        NDArray weight = w.get(prefix + ".weight");
        Shape s = weight.getShape();
        if (s.dimension() == 4) {
            weight = weight.reshape(s.get(0), s.get(1));
        }
        return new Linear(weight, w.getOptional(prefix + ".bias"));
    }

    GroupNorm norm() {
        return norm;
    }

    NDArray forward(NDArray x) {
        try (NDArray normed = norm.forward(x)) {
            return attend(x, normed, Attention.MAX_SCORE_ELEMENTS);
        }
    }

    /** The block after its group norm: {@code x + out(attention(q, k, v of normed))}, scores bounded as given. */
    NDArray attend(NDArray x, NDArray normed, long maxScoreElements) {
        try (Scope scope = Scope.of(x, normed)) {
            Shape s = x.getShape();
            long b = s.get(0);
            long c = s.get(1);
            long hw = s.get(2) * s.get(3);
            NDArray h = normed.reshape(b, c, hw).transpose(0, 2, 1);
            NDArray attended = Attention.multiHead(toQ.forward(h), toK.forward(h), toV.forward(h), 1, null, maxScoreElements);
            NDArray out = toOut.forward(attended).transpose(0, 2, 1).reshape(s);
            return scope.keep(out.addi(x));
        }
    }
}
