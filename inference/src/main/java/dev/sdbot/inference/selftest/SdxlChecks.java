package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.pipeline.ModelLoader;
import dev.sdbot.inference.pipeline.StableDiffusionPipeline;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.weights.ModelFiles;
import dev.sdbot.inference.weights.SafetensorsFile;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * SDXL parity (the mini-sdxl reference): both tokenizers, each encoder's second-to-last hidden state, the pooled
 * projection, the concatenated context (on the reference ids: the reference prompts include A1111 emphasis syntax
 * and a prompt over 75 tokens, which diffusers reads literally and truncates), and one UNet forward with the pooled
 * embedding and size/crop ids. The description comes from the caller (a single file is checked with its folder's
 * configs).
 */
public final class SdxlChecks {
    private SdxlChecks() {
    }

    public static List<CheckResult> tokenizers(String label, ModelFiles files, Path reference) {
        List<CheckResult> results = new ArrayList<>(TokenizerChecks.run(label, files.tokenizer(), reference));
        results.addAll(TokenizerChecks.run(label, files.tokenizer2().orElseThrow(
                () -> new IllegalStateException(files.path() + " has no second tokenizer")), reference,
                "tokenizer_2.ids"));
        return results;
    }

    /** {@code text.hidden}, {@code text_2.hidden}, {@code text_2.pooled} and {@code text.context} on the reference ids. */
    public static List<CheckResult> textEncoders(String label, ModelFiles files, ModelDescription d, Path reference) {
        List<CheckResult> results = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile ref = SafetensorsFile.open(reference)) {
            ClipTextModel first = ClipTextModel.load(files.textEncoder(m), d.textEncoder());
            Weights secondWeights = files.textEncoder2(m).orElseThrow();
            ClipTextModel second = ClipTextModel.load(secondWeights, d.textEncoder2());
            Linear projection = Linear.load(secondWeights, "text_projection");
            NDArray ids = ref.load("tokenizer.ids", m);
            NDArray ids2 = ref.load("tokenizer_2.ids", m);
            NDArray hidden1 = first.encodePenultimate(ids, 1).hidden();
            results.add(relative(label + " text.hidden", hidden1, ref, "text.hidden", m));
            ClipTextModel.Penultimate out2 = second.encodePenultimate(ids2, 1);
            results.add(relative(label + " text_2.hidden", out2.hidden(), ref, "text_2.hidden", m));
            // the pooled row is that of each prompt's first end-of-text token (argmax of the ids)
            long[] idRows = ids2.toLongArray();
            int width = (int) ids2.getShape().get(1);
            NDList rows = new NDList();
            for (int b = 0; b < ids2.getShape().get(0); b++) {
                int eos = 0;
                for (int i = 1; i < width; i++) {
                    eos = idRows[b * width + i] > idRows[b * width + eos] ? i : eos;
                }
                rows.add(out2.lastNormed().get("{}:{}, {}, :", b, b + 1, eos));
            }
            results.add(relative(label + " text_2.pooled", projection.forward(NDArrays.concat(rows, 0)), ref,
                    "text_2.pooled", m));
            // the model's own conditioner (chunks, emphasis) is checked on the txt2img cases' plain prompts
            results.add(relative(label + " text.context", NDArrays.concat(new NDList(hidden1, out2.hidden()), 2),
                    ref, "text.context", m));
        }
        return results;
    }

    /** {@code unet.out} with {@code added_cond_kwargs = {text_embeds, time_ids}}. */
    public static CheckResult unet(String label, ModelFiles files, ModelDescription d, Path reference) {
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile ref = SafetensorsFile.open(reference)) {
            UNet unet = UNet.load(files.unet(m), d.unet());
            NDArray out = unet.forward(ref.load("unet.in.sample", m), ref.load("unet.in.timesteps", m),
                    ref.load("unet.in.context", m), ref.load("unet.in.text_embeds", m), ref.load("unet.in.time_ids", m));
            return CheckResult.of(label + " unet.out (added conditioning)",
                    Parity.relativeError(out, ref.load("unet.out", m)), UNetChecks.TOLERANCE);
        }
    }

    /** Every txt2img case of the reference on the model built from {@code files} as {@code d} describes. */
    public static List<CheckResult> txt2img(String label, ModelFiles files, ModelDescription d, Path reference) {
        try (NDManager m = NDManager.newBaseManager()) {
            return PipelineChecks.txt2img(label, new StableDiffusionPipeline(ModelLoader.load(files, d, m)), reference);
        }
    }

    /** A text tensor within the README's {@code text.*} tolerance. */
    private static CheckResult relative(String name, NDArray actual, SafetensorsFile ref, String key, NDManager m) {
        return CheckResult.of(name, Parity.relativeError(actual, ref.load(key, m, DataType.FLOAT32)),
                ClipChecks.TEXT_TOLERANCE);
    }
}
