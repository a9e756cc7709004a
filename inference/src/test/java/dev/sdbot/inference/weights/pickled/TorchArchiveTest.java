package dev.sdbot.inference.weights.pickled;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.weights.PickledWeights;
import dev.sdbot.inference.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Files made by {@code src/test/resources/pickles/make_pickles.py} with Debian's torch 1.13. */
class TorchArchiveTest {
    /** What the malicious payloads would create (they name /tmp, the temporary folder on Linux). */
    private static final Path MARKER = Path.of(System.getProperty("java.io.tmpdir"), "sdbot-pickle-test-executed");

    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(TorchArchiveTest.class.getResource("/pickles/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTorchSaveStateDictConvertsToTheSameTensorsAsItsSafetensorsTwin() {
        Path converted = dir.resolve("state.safetensors");
        PickledWeights.convert(resource("state.pt"), converted);
        try (SafetensorsFile ours = SafetensorsFile.open(converted);
             SafetensorsFile twin = SafetensorsFile.open(resource("state.safetensors"));
             NDManager manager = NDManager.newBaseManager()) {
            assertThat(ours.keys()).containsExactlyInAnyOrderElementsOf(twin.keys());
            for (String key : twin.keys()) {
                assertThat(ours.info(key).dtype()).as(key).isEqualTo(twin.info(key).dtype());
                assertThat(ours.info(key).shape()).as(key).isEqualTo(twin.info(key).shape());
                NDArray a = ours.load(key, manager);
                NDArray b = twin.load(key, manager);
                assertThat(a.toByteArray()).as(key).isEqualTo(b.toByteArray());
            }
            // a Lightning checkpoint is unwrapped to its state_dict, as A1111 does
            assertThat(ours.keys()).allMatch(k -> k.startsWith("model."));
        }
    }

    @Test
    void loadingAPickleGoesThroughItsCachedConversion() throws IOException {
        System.setProperty("sdbot.converted.dir", dir.resolve("cache").toString());
        try {
            Path checkpoint = dir.resolve("model.ckpt");
            Files.copy(resource("state.pt"), checkpoint);
            try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
                assertThat(file.keys()).contains("model.linear.weight_t", "model.param");
            }
            assertThat(Files.list(dir.resolve("cache"))).hasSize(1);
        } finally {
            System.clearProperty("sdbot.converted.dir");
        }
    }

    @Test
    void nestedDictsBecomeDottedNamesAndPlainValuesMetadata() {
        try (TorchArchive archive = TorchArchive.open(resource("embedding.pt"))) {
            assertThat(archive.tensors()).containsOnlyKeys("string_to_param.*");
            assertThat(archive.tensors().get("string_to_param.*").size()).containsExactly(2, 8);
            assertThat(archive.metadata()).containsAllEntriesOf(
                    Map.of("name", "tiny-emb", "step", "100", "string_to_token.*", "265"));
        }
    }

    @Test
    void aHandWrittenProgramWithHonestSizesLoads() throws IOException {
        Path out = dir.resolve("small.safetensors");
        PickledWeights.convert(resource("small-handmade.pt"), out);
        try (SafetensorsFile file = SafetensorsFile.open(out); NDManager manager = NDManager.newBaseManager()) {
            assertThat(file.load("w", manager).toFloatArray()).containsExactly(1f, 2f, 3f, 4f);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "evil-os-system.pt      | the global posix.system",
            "evil-nested-global.pt  | the global __builtin__.eval",
            "evil-stack-global.pt   | the global posix.system",
            "evil-memo.pt           | memo lookup of index 7",
            "evil-inst.pt           | object construction opcode",
            "evil-ext.pt            | extension-registry opcode",
            "evil-zip-slip.pt       | ../../outside.txt' points outside the archive",
            "evil-huge-storage.pt   | declares 1099511627776 elements but the archive holds 16 bytes",
            "evil-huge-view.pt      | a tensor reaching element",
            "evil-build.pt          | BUILD of a LinkedHashMap with a Tuple state",
            "legacy.pt              | not a torch zip archive",
    })
    void everythingBeyondWeightsIsRefusedWithoutRunningIt(String file, String reason) throws IOException {
        Files.deleteIfExists(MARKER);
        Path out = dir.resolve("out.safetensors");
        assertThatThrownBy(() -> PickledWeights.convert(resource(file), out))
                .isInstanceOf(PickleRefusedException.class)
                .hasMessageContaining(reason)
                .hasMessageContaining(file);
        assertThat(MARKER).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left).as("nothing half-written").isEmpty();
        }
    }
}
