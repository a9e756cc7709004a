package dev.sdbot.inference.model;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.weights.CheckpointException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UNetConfigTest {

    @Test
    void sd1HeadCountComesFromAttentionHeadDim() {
        UNetConfig c = UNetConfig.fromJson(Fixtures.LDM.resolve("mini-sd15/unet/config.json"));
        assertThat(c.attentionHeads()).containsExactly(8, 8, 8, 8);
        assertThat(c.blockOutChannels()).containsExactly(32, 64, 64, 64);
        assertThat(c.useLinearProjection()).isFalse();
        assertThat(c.crossAttentionDim()).isEqualTo(32);
        assertThat(c.timeEmbedDim()).isEqualTo(128);
    }

    @Test
    void sd2PerBlockHeadsAndLinearProjection() {
        UNetConfig c = UNetConfig.fromJson(Fixtures.LDM.resolve("mini-sd21v/unet/config.json"));
        assertThat(c.attentionHeads()).containsExactly(2, 4, 4, 4);
        assertThat(c.useLinearProjection()).isTrue();
        assertThat(c.upcastAttention()).isTrue();
        assertThat(c.crossAttentionDim()).isEqualTo(64);
    }

    @Test
    void inpaintingUNetHasNineInputs() {
        assertThat(UNetConfig.fromJson(Fixtures.LDM.resolve("mini-sd15-inpainting/unet/config.json")).inChannels())
                .isEqualTo(9);
    }

    @Test
    void numAttentionHeadsWinsOverAttentionHeadDim() {
        UNetConfig c = UNetConfig.parse("""
                {"block_out_channels": [64, 64], "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
                 "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"], "attention_head_dim": 8,
                 "num_attention_heads": [2, 4]}""");
        assertThat(c.attentionHeads()).isEqualTo(List.of(2, 4));
    }

    @Test
    void fullSizePresets() {
        assertThat(UNetConfig.sd15().blockOutChannels()).containsExactly(320, 640, 1280, 1280);
        assertThat(UNetConfig.sd21().attentionHeads()).containsExactly(5, 10, 20, 20);
        assertThat(VaeConfig.sd15().downscaleFactor()).isEqualTo(8);
    }

    @Test
    void unusableConfigsAreClearErrors() {
        assertThatThrownBy(() -> UNetConfig.parse("{\"block_out_channels\": [32]"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> UNetConfig.parse("""
                {"block_out_channels": [32, 64], "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
                 "up_block_types": ["UpBlock2D", "SimpleCrossAttnUpBlock2D"]}"""))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("SimpleCrossAttnUpBlock2D");
        assertThatThrownBy(() -> UNetConfig.parse("""
                {"block_out_channels": [48], "down_block_types": ["DownBlock2D"], "up_block_types": ["UpBlock2D"]}"""))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not divisible");
        assertThatThrownBy(() -> VaeConfig.parse("{\"latent_channels\": 4}"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("block_out_channels");
    }
}
