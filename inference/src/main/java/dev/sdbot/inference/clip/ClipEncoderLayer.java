package dev.sdbot.inference.clip;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.nn.Attention;
import dev.sdbot.inference.nn.LayerNorm;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.nn.Weights;

/**
 * One pre-LayerNorm transformer block of transformers' CLIPEncoderLayer, shared by the text and the
 * vision tower: {@code x + attn(ln1(x))}, then {@code x + fc2(act(fc1(ln2(x))))}.
 */
final class ClipEncoderLayer {
    private final LayerNorm layerNorm1;
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;
    private final LayerNorm layerNorm2;
    private final Linear fc1;
    private final Linear fc2;
    private final int heads;
    private final ClipActivation activation;

    private ClipEncoderLayer(Weights w, int heads, ClipActivation activation, float eps) {
        this.layerNorm1 = LayerNorm.load(w, "layer_norm1", eps);
        this.qProj = Linear.load(w, "self_attn.q_proj");
        this.kProj = Linear.load(w, "self_attn.k_proj");
        this.vProj = Linear.load(w, "self_attn.v_proj");
        this.outProj = Linear.load(w, "self_attn.out_proj");
        this.layerNorm2 = LayerNorm.load(w, "layer_norm2", eps);
        this.fc1 = Linear.load(w, "mlp.fc1");
        this.fc2 = Linear.load(w, "mlp.fc2");
        this.heads = heads;
        this.activation = activation;
    }

    /** @param w the weights under {@code encoder.layers.N} */
    static ClipEncoderLayer load(Weights w, int heads, ClipActivation activation, float eps) {
        return new ClipEncoderLayer(w, heads, activation, eps);
    }

    /**
     * @param x    (B, L, width)
     * @param mask additive attention mask broadcastable to (B, heads, L, L), or null
     */
    NDArray forward(NDArray x, NDArray mask) {
        NDArray h = layerNorm1.forward(x);
        NDArray attn = Attention.multiHead(qProj.forward(h), kProj.forward(h), vProj.forward(h), heads, mask);
        x = x.add(outProj.forward(attn));
        h = fc2.forward(activation.apply(fc1.forward(layerNorm2.forward(x))));
        return x.add(h);
    }
}
