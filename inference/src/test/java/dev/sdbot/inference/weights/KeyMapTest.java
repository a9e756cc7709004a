package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Original names not present in the fixtures (older exporters) still map onto the diffusers names. */
class KeyMapTest {

    @Test
    void originalVaeAttentionIsLinearAndDecoderLevelsAreReversed() {
        TensorPlan plan = VaeKeyMap.plan(Set.of("decoder.mid.attn_1.q.weight", "decoder.mid.attn_1.proj_out.bias",
                "decoder.mid.attn_1.norm.weight", "decoder.up.0.block.2.nin_shortcut.weight",
                "decoder.up.3.upsample.conv.weight", "decoder.up.1.block.0.conv1.weight",
                "decoder.up.2.block.0.conv1.weight", "encoder.down.1.downsample.conv.bias", "encoder.norm_out.bias"));
        assertThat(plan.targets()).containsExactlyInAnyOrder("decoder.mid_block.attentions.0.to_q.weight",
                "decoder.mid_block.attentions.0.to_out.0.bias", "decoder.mid_block.attentions.0.group_norm.weight",
                "decoder.up_blocks.3.resnets.2.conv_shortcut.weight", "decoder.up_blocks.0.upsamplers.0.conv.weight",
                "decoder.up_blocks.2.resnets.0.conv1.weight", "decoder.up_blocks.1.resnets.0.conv1.weight",
                "encoder.down_blocks.1.downsamplers.0.conv.bias", "encoder.conv_norm_out.bias");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray conv = manager.ones(new Shape(8, 8, 1, 1));
            NDArray linear = plan.source("decoder.mid_block.attentions.0.to_q.weight").transform().apply(conv);
            assertThat(linear.getShape()).isEqualTo(new Shape(8, 8));
        }
    }

    @Test
    void oldDiffusersVaeAttentionNamesAreRenamed() {
        TensorPlan plan = VaeKeyMap.normalizeFolder(Set.of("encoder.mid_block.attentions.0.query.weight",
                "encoder.mid_block.attentions.0.proj_attn.bias", "encoder.conv_in.weight"));
        assertThat(plan.targets()).containsExactlyInAnyOrder("encoder.mid_block.attentions.0.to_q.weight",
                "encoder.mid_block.attentions.0.to_out.0.bias", "encoder.conv_in.weight");
    }

    @Test
    void unetBlocksMapForAnyLayersPerBlock() {
        // 2 levels, 1 layer per block: input_blocks 1 (res+attn), 2 (downsample), 3 (res); output 0..3
        TensorPlan plan = UNetKeyMap.plan(Set.of("input_blocks.1.0.in_layers.0.weight", "input_blocks.1.1.proj_in.weight",
                "input_blocks.2.0.op.weight", "input_blocks.3.0.skip_connection.weight",
                "output_blocks.1.1.conv.weight", "output_blocks.3.1.transformer_blocks.0.attn2.to_k.weight",
                "middle_block.2.emb_layers.1.bias", "time_embed.2.weight", "out.0.bias"));
        assertThat(plan.targets()).containsExactlyInAnyOrder("down_blocks.0.resnets.0.norm1.weight",
                "down_blocks.0.attentions.0.proj_in.weight", "down_blocks.0.downsamplers.0.conv.weight",
                "down_blocks.1.resnets.0.conv_shortcut.weight", "up_blocks.0.upsamplers.0.conv.weight",
                "up_blocks.1.attentions.1.transformer_blocks.0.attn2.to_k.weight",
                "mid_block.resnets.1.time_emb_proj.bias", "time_embedding.linear_2.weight", "conv_norm_out.bias");
    }

    @Test
    void textEncoderWithoutTextModelLevelGetsIt() {
        TensorPlan plan = TextEncoderKeyMap.planSd1(Set.of("embeddings.token_embedding.weight",
                "text_model.final_layer_norm.bias", "text_model.embeddings.position_ids"));
        assertThat(plan.targets()).containsExactlyInAnyOrder("text_model.embeddings.token_embedding.weight",
                "text_model.final_layer_norm.bias");
    }
}
