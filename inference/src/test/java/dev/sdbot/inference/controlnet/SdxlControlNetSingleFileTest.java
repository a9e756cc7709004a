package dev.sdbot.inference.controlnet;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.selftest.ControlNetChecks;
import dev.sdbot.inference.selftest.Parity;
import dev.sdbot.inference.selftest.SdxlControlNetChecks;
import dev.sdbot.inference.unet.ControlResiduals;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ConfigJson;
import dev.sdbot.inference.weights.ControlNetWeights;
import dev.sdbot.inference.weights.SafetensorsFile;
import dev.sdbot.inference.weights.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The mini SDXL ControlNet (not shaped like SDXL base: 2- and 4-wide heads, a 16-wide size/crop embedding) as single
 * files with its diffusers config beside them as {@code NAME.json}: diffusers names, and original / A1111 names
 * ({@code control_model.} + LDM UNet names, {@code label_emb}, {@code zero_convs}, {@code input_hint_block}), written
 * here from the folder. Both give the folder's residuals, which match diffusers v0.21.4
 * ({@code make_sdxl_controlnet_refs.py}).
 */
class SdxlControlNetSingleFileTest {
    private static final Path RESOURCES = Path.of("src/test/resources/controlnet");
    private static final Path FOLDER = RESOURCES.resolve("mini-cn-sdxl");
    private static final Path REFS = RESOURCES.resolve("sdxl-controlnet-refs.safetensors");
    /** Same fp16 weights, same spec, same process: only the file layout differs. */
    private static final double SAME_NET = 1e-6;

    @TempDir
    static Path dir;
    static Path nets;

    @BeforeAll
    static void writeSingleFiles() throws IOException {
        nets = Files.createDirectories(dir.resolve("controlnet"));
        Files.copy(FOLDER.resolve(ControlNetWeights.FOLDER_WEIGHTS), nets.resolve("cn-diffusers.safetensors"));
        Files.copy(FOLDER.resolve("config.json"), nets.resolve("cn-diffusers.json"));
        writeOriginalNames(nets.resolve("cn-a1111.safetensors"));
        Files.copy(FOLDER.resolve("config.json"), nets.resolve("cn-a1111.json"));
    }

    @Test
    void singleFilesWithTheirConfigBesideThemGiveTheFolderResiduals() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ControlResiduals folder = residuals(FOLDER, manager);
            assertThat(ControlNetChecks.error(folder, REFS, "cn.", manager)).isLessThan(ControlNetChecks.TOLERANCE);
            for (String name : List.of("cn-diffusers", "cn-a1111")) {
                ControlResiduals file = residuals(nets.resolve(name + ".safetensors"), manager);
                assertThat(ControlNetChecks.error(file, REFS, "cn.", manager)).as(name)
                        .isLessThan(ControlNetChecks.TOLERANCE);
                assertThat(file.down()).hasSameSizeAs(folder.down());
                for (int i = 0; i < folder.down().size(); i++) {
                    assertThat(Parity.relativeError(file.down().get(i), folder.down().get(i))).as(name + " down " + i)
                            .isLessThan(SAME_NET);
                }
                assertThat(Parity.relativeError(file.mid(), folder.mid())).as(name + " mid").isLessThan(SAME_NET);
            }
        }
    }

    @Test
    void withoutItsConfigANetNotShapedLikeSdxlBaseIsRefusedSayingWhatToAdd() throws IOException {
        Path bare = Files.createDirectories(dir.resolve("bare")).resolve("cn-bare.safetensors");
        Files.copy(nets.resolve("cn-a1111.safetensors"), bare);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> ControlNetLoader.load(bare, manager, DataType.FLOAT32))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessage("cannot tell the settings of ControlNet " + bare + ": its added embedding is not SDXL "
                            + "base's (2816 wide); put its diffusers config.json beside it as cn-bare.json");
        }
    }

    @Test
    void theSidecarIsNoModelOfItsOwnAndGivesTheFamily() {
        ControlNetLibrary library = new ControlNetLibrary(nets);
        assertThat(library.controlNets().keySet()).containsExactly("cn-a1111", "cn-diffusers");
        assertThat(library.families()).isEqualTo(Map.of("cn-a1111", ModelFamily.SDXL, "cn-diffusers", ModelFamily.SDXL));
    }

    private static ControlResiduals residuals(Path net, NDManager manager) {
        return SdxlControlNetChecks.residuals(ControlNetLoader.load(net, manager, DataType.FLOAT32), REFS, manager,
                false);
    }

    private static void writeOriginalNames(Path target) {
        int layersPerBlock = ConfigJson.read(FOLDER.resolve("config.json")).getInt("layers_per_block", 2);
        try (SafetensorsFile in = SafetensorsFile.open(FOLDER.resolve(ControlNetWeights.FOLDER_WEIGHTS));
             NDManager manager = NDManager.newBaseManager()) {
            int hintBlocks = (int) in.keys().stream()
                    .filter(k -> k.matches("controlnet_cond_embedding\\.blocks\\.\\d+\\.weight")).count();
            List<SafetensorsWriter.Entry> entries = in.keys().stream().map(key -> new SafetensorsWriter.Entry(
                    OriginalControlNetNames.of(key, layersPerBlock, hintBlocks), in.info(key).dtype(),
                    in.info(key).shape(), () -> in.load(key, manager).toByteArray())).toList();
            SafetensorsWriter.write(target, entries, Map.of());
        }
    }
}
