package dev.sdbot.inference.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.model.TextEncoderConfig;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.SafetensorsWeights;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClipTextModelTest {
    private static final Path FOLDER = Fixtures.LDM.resolve("mini-sd15/text_encoder");
    private static final TextEncoderConfig CONFIG =
            new TextEncoderConfig(32, 3, 4, 128, "quick_gelu", 77, 1e-5, 49408, 49407, 49406, 49407);

    @Test
    void rejectsBadInputAndLeavesNothingInTheModelManager() {
        try (NDManager modelManager = NDManager.newBaseManager()) {
            Weights w = SafetensorsWeights.loadAll(FOLDER.resolve("model.safetensors"), modelManager, DataType.FLOAT32);
            ClipTextModel clip = ClipTextModel.load(w, CONFIG);
            int arraysBefore = modelManager.getManagedArrays().size();
            try (NDManager request = modelManager.newSubManager()) {
                NDArray ids = request.create(new long[]{49406, 320, 49407}, new Shape(1, 3));
                NDArray hidden = clip.encode(ids, 3);
                assertThat(hidden.getShape()).isEqualTo(new Shape(1, 3, 32));
                assertThat(hidden.getManager()).isSameAs(request);
                assertThatThrownBy(() -> clip.encode(ids, 4)).hasMessageContaining("clip skip must be between 1 and 3");
                assertThatThrownBy(() -> clip.encode(ids, 0)).hasMessageContaining("clip skip");
                NDArray outOfVocab = request.create(new long[]{49408}, new Shape(1, 1));
                assertThatThrownBy(() -> clip.encode(outOfVocab, 1)).hasMessageContaining("token id out of range");
                NDArray tooLong = request.zeros(new Shape(1, 78), DataType.INT64);
                assertThatThrownBy(() -> clip.encode(tooLong, 1)).hasMessageContaining("shape");
            }
            assertThat(modelManager.getManagedArrays()).hasSize(arraysBefore);
        }
    }

    @Test
    void unknownActivationIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            Weights w = SafetensorsWeights.loadAll(FOLDER.resolve("model.safetensors"), m, DataType.FLOAT32);
            TextEncoderConfig relu = new TextEncoderConfig(32, 3, 4, 128, "relu", 77, 1e-5, 49408, 49407, 49406, 49407);
            assertThatThrownBy(() -> ClipTextModel.load(w, relu))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("'relu'");
        }
    }

    @Test
    void configWithMoreLayersThanTheWeightsIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            Weights w = SafetensorsWeights.loadAll(FOLDER.resolve("model.safetensors"), m, DataType.FLOAT32);
            TextEncoderConfig config = new TextEncoderConfig(32, 12, 4, 128, "quick_gelu", 77, 1e-5, 49408, 49407, 49406, 49407);
            assertThatThrownBy(() -> ClipTextModel.load(w, config))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("12 layers");
        }
    }
}
