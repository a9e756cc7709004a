package dev.sdbot.inference.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.weights.CheckpointException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiffusersConfigsTest {

    @Test
    void nineInputChannelsIsInpainting() throws IOException {
        UNetConfig unet = DiffusersConfigs.unet(json(Files.readString(
                Fixtures.LDM.resolve("mini-sd15-inpainting/unet/config.json"))));
        assertThat(unet.isInpainting()).isTrue();
        assertThat(unet.inChannels()).isEqualTo(9);
    }

    @Test
    void numAttentionHeadsWinsOverAttentionHeadDimAndUpBlocksReverseThem() {
        UNetConfig unet = DiffusersConfigs.unet(json("""
                {"block_out_channels": [32, 64], "cross_attention_dim": 16, "attention_head_dim": 8,
                 "num_attention_heads": [1, 2],
                 "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
                 "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"]}"""));
        assertThat(unet.headCounts()).containsExactly(1, 2);
        assertThat(unet.upHeadCount(0)).isEqualTo(2);
        assertThat(unet.midHeadCount()).isEqualTo(2);
        assertThat(unet.transformerLayersPerBlock()).containsExactly(1, 1);
    }

    @Test
    void sdxlStyleConfigIsUnknownArchitecture() {
        assertThatThrownBy(() -> DiffusersConfigs.unet(json("""
                {"block_out_channels": [32], "cross_attention_dim": 16, "attention_head_dim": 8,
                 "addition_embed_type": "text_time", "down_block_types": ["DownBlock2D"],
                 "up_block_types": ["UpBlock2D"]}""")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("unknown architecture");
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
