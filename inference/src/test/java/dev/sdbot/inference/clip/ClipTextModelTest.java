package dev.sdbot.inference.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.SafetensorsWeights;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClipTextModelTest {
    private static final Path FOLDER = Fixtures.LDM.resolve("mini-sd15/text_encoder");

    @Test
    void configIsReadFromJson() {
        TextEncoderConfig sd15 = TextEncoderConfig.fromJson(FOLDER.resolve("config.json"));
        assertThat(sd15).isEqualTo(new TextEncoderConfig(49408, 32, 128, 3, 4, 77, ClipActivation.QUICK_GELU, 1e-5f));
        TextEncoderConfig sd21 = TextEncoderConfig.fromJson(Fixtures.LDM.resolve("mini-sd21v/text_encoder/config.json"));
        assertThat(sd21.activation()).isEqualTo(ClipActivation.GELU);
        assertThat(sd21.hiddenSize()).isEqualTo(64);
    }

    @Test
    void badConfigsAreClearErrors() {
        assertThatThrownBy(() -> TextEncoderConfig.parse("{\"hidden_act\": \"relu\"}"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("relu");
        assertThatThrownBy(() -> TextEncoderConfig.parse("{\"hidden_size\": 30, \"num_attention_heads\": 4}"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("divisible");
        assertThatThrownBy(() -> TextEncoderConfig.parse("not json"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("JSON");
        assertThatThrownBy(() -> TextEncoderConfig.fromJson(Path.of("/nonexistent/config.json")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not found");
    }

    @Test
    void rejectsBadInputAndLeavesNothingInTheModelManager() {
        try (NDManager modelManager = NDManager.newBaseManager()) {
            Weights w = SafetensorsWeights.loadAll(FOLDER.resolve("model.safetensors"), modelManager, DataType.FLOAT32);
            TextEncoderConfig config = TextEncoderConfig.fromJson(FOLDER.resolve("config.json"));
            ClipTextModel clip = ClipTextModel.load(w, config);
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
    void configWithMoreLayersThanTheWeightsIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            Weights w = SafetensorsWeights.loadAll(FOLDER.resolve("model.safetensors"), m, DataType.FLOAT32);
            TextEncoderConfig config = new TextEncoderConfig(49408, 32, 128, 12, 4, 77, ClipActivation.QUICK_GELU, 1e-5f);
            assertThatThrownBy(() -> ClipTextModel.load(w, config))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("12 layers");
        }
    }
}
