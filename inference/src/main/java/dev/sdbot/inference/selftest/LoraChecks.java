package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.weights.CheckpointLoader;
import dev.sdbot.inference.weights.LoraMerger;
import dev.sdbot.inference.weights.ModelFiles;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Path;
import java.util.List;

/** A kohya LoRA merged at {@code lora.scale}: text encoder and UNet outputs against the diffusers/peft reference. */
public final class LoraChecks {
    /** README tolerance for {@code lora.*}. */
    public static final double TOLERANCE = 1e-4;

    private LoraChecks() {
    }

    /**
     * {@code lora.text.hidden}: the merged text encoder on the first reference prompts' ids;
     * {@code lora.unet.out}: the merged UNet on {@code unet.in.sample}/{@code timesteps} with that hidden state.
     *
     * @param ldm the fixture folder holding {@code mini-sd15/}, {@code mini-sd15-lora.safetensors}, ...
     */
    public static List<CheckResult> run(Path ldm) {
        return run(ldm, "mini-sd15");
    }

    /** {@code <name>-lora.safetensors} merged into the diffusers folder {@code <name>}. */
    public static List<CheckResult> run(Path ldm, String modelName) {
        try (NDManager m = NDManager.newBaseManager();
             ModelFiles model = CheckpointLoader.open(ldm.resolve(modelName));
             SafetensorsFile ref = SafetensorsFile.open(ldm.resolve(modelName + "-reference/reference.safetensors"))) {
            ModelDescription d = model.description();
            double scale = ref.load("lora.scale", m, DataType.FLOAT32).getFloat();
            LoraMerger.Merged merged = LoraMerger.merge(ldm.resolve(modelName + "-lora.safetensors"), scale,
                    model.unet(m), model.textEncoder(m), m);

            NDArray expectedHidden = ref.load("lora.text.hidden", m, DataType.FLOAT32);
            long batch = expectedHidden.getShape().get(0);
            NDArray ids = ref.load("tokenizer.ids", m).get("0:{}", batch);
            NDArray hidden = ClipTextModel.load(merged.textEncoder(), d.textEncoder()).encode(ids, 1);

            NDArray out = UNet.load(merged.unet(), d.unet()).forward(ref.load("unet.in.sample", m, DataType.FLOAT32),
                    ref.load("unet.in.timesteps", m), expectedHidden);
            return List.of(
                    CheckResult.of(modelName + " lora.text.hidden", Parity.relativeError(hidden, expectedHidden), TOLERANCE),
                    CheckResult.of(modelName + " lora.unet.out",
                            Parity.relativeError(out, ref.load("lora.unet.out", m, DataType.FLOAT32)), TOLERANCE));
        }
    }
}
