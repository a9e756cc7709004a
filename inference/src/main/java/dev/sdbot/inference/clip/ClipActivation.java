package dev.sdbot.inference.clip;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.nn.Activations;
import dev.sdbot.inference.weights.CheckpointException;

/** The MLP activation of a CLIP encoder, as named by the transformers config key {@code hidden_act}. */
public enum ClipActivation {
    /** OpenAI CLIP (SD 1.x text encoder, safety checker): {@code x * sigmoid(1.702 x)}. */
    QUICK_GELU("quick_gelu"),
    /** OpenCLIP (SD 2.x text encoder): exact erf GELU. */
    GELU("gelu");

    private final String configName;

    ClipActivation(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public NDArray apply(NDArray x) {
        return this == QUICK_GELU ? Activations.quickGelu(x) : Activations.gelu(x);
    }

    public static ClipActivation fromConfig(String hiddenAct) {
        for (ClipActivation a : values()) {
            if (a.configName.equals(hiddenAct)) {
                return a;
            }
        }
        throw new CheckpointException("unsupported CLIP hidden_act '" + hiddenAct + "' (expected quick_gelu or gelu)");
    }
}
