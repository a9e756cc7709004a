package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.embedding.EmbeddingLibrary;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.text.ClipTokenizer;
import dev.sdbot.inference.weights.SafetensorsFile;
import dev.sdbot.inference.weights.SafetensorsWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Textual-inversion embeddings made of the model's own token-embedding rows (of "red" and "apple") must give exactly
 * the conditioning and the image of those words, in every format A1111 reads: its own {@code string_to_param}
 * {@code .pt} and diffusers' {@code learned_embeds.bin} (made by {@code embeddings/make_embeddings.py}), diffusers' single
 * key, kohya's {@code emb_params}, SDXL's
 * {@code clip_l} + {@code clip_g} (written here from the weights).
 */
class TextualInversionTest {
    private static final Path SD15 = Fixtures.LDM.resolve("mini-sd15");
    private static final Path SDXL = Fixtures.LDM.resolve("mini-sdxl");
    private static final String TOKEN_EMBEDDING = "text_model.embeddings.token_embedding.weight";

    @TempDir
    static Path dir;
    private static NDManager manager;
    private static EmbeddingLibrary library;
    private static DiffusionModel sd15;
    private static DiffusionModel sdxl;

    @BeforeAll
    static void writeEmbeddings() throws IOException {
        Path embeddings = Files.createDirectories(dir.resolve("embeddings"));
        copy("red-apple.pt", embeddings.resolve("fruitpair.pt"));
        copy("red.pt", embeddings.resolve("onered.pt"));
        copy("red-concept.bin", embeddings.resolve("binred.bin"));
        // A1111's image embeddings (embeddings/make_image_embeddings.py): text chunk + pixels, pixels, chunk, WebP pixels
        copy("red-apple.png", embeddings.resolve("pngfruit.png"));
        copy("red-apple-pixels.png", embeddings.resolve("pixfruit.png"));
        copy("red-chunk.png", embeddings.resolve("chunkred.png"));
        copy("red-pixels.webp", embeddings.resolve("webpred.webp"));
        copy("ordinary.png", embeddings.resolve("holiday.png"));
        copy("ordinary.png", embeddings.resolve("fruitpair.preview.png"));
        Files.write(embeddings.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        float[][] sd15Rows = rows(SD15.resolve("text_encoder/model.safetensors"));
        write(embeddings.resolve("dfruit.safetensors"), Map.of("<dfruit>", sd15Rows), false);
        write(embeddings.resolve("dred.safetensors"), Map.of("<dred>", new float[][] {sd15Rows[0]}), true);
        // in a subfolder, as A1111 users sort them; an empty file is skipped as there
        write(Files.createDirectories(embeddings.resolve("kohya")).resolve("kfruit.safetensors"),
                Map.of("emb_params", sd15Rows), false);
        Files.createFile(embeddings.resolve("empty.safetensors"));
        write(embeddings.resolve("xlfruit.safetensors"), Map.of("clip_l", rows(SDXL.resolve("text_encoder/model.safetensors")),
                "clip_g", rows(SDXL.resolve("text_encoder_2/model.safetensors"))), false);
        library = new EmbeddingLibrary(embeddings);
        manager = NDManager.newBaseManager();
        sd15 = ModelLoader.load(SD15, manager);
        sdxl = ModelLoader.load(SDXL, manager);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void anEmbeddingOfTheModelsOwnRowsConditionsExactlyAsTheWordsInEveryFormat() throws Exception {
        for (String[] pair : List.of(new String[] {"fruitpair", "onered"}, new String[] {"dfruit", "dred"},
                new String[] {"kfruit", "binred"}, new String[] {"pngfruit", "chunkred"},
                new String[] {"pixfruit", "webpred"})) {
            for (int clipSkip : new int[] {1, 2}) {
                assertSameConditioning(sd15, "a " + pair[0] + " cat, " + pair[0], pair[1] + " blur",
                        "a red apple cat, red apple", "red blur", clipSkip);
            }
        }
    }

    /**
     * A1111 reads .png/.webp embeddings from the text chunk or the pixels, to the vectors of their .pt twins; a picture
     * without an embedding (a preview, a photo, a broken file) is left out, not a failure.
     */
    @Test
    void imageEmbeddingsLoadToTheVectorsOfTheirTwinsAndOtherPicturesAreSkipped() {
        for (String name : List.of("pngfruit", "pixfruit")) {
            assertThat(library.load(name).rows().get("")).as(name).isDeepEqualTo(library.load("fruitpair").rows().get(""));
        }
        for (String name : List.of("chunkred", "webpred")) {
            assertThat(library.load(name).rows().get("")).as(name).isDeepEqualTo(library.load("onered").rows().get(""));
        }
        assertThat(library.files()).containsKeys("pngfruit", "pixfruit", "chunkred", "webpred")
                .doesNotContainKeys("holiday", "broken", "fruitpair.preview");
        assertThat(library.files().get("fruitpair").getFileName().toString()).isEqualTo("fruitpair.pt");
        assertThat(library.load("holiday")).isNull();
    }

    @Test
    void anSdxlEmbeddingPutsItsClipLAndClipGVectorsIntoTheirEncoders() throws Exception {
        assertSameConditioning(sdxl, "xlfruit on a table", "xlfruit", "red apple on a table", "red apple", 1);
    }

    @Test
    void theImageIsThatOfTheWordsAndTheInfotextRecordsTheHashesAsA1111() throws Exception {
        try (DiffusionGenerator generator = DiffusionGenerator.forCheckpoint("mini-sd15", SD15, Device.cpu())) {
            generator.setEmbeddingsDir(dir.resolve("embeddings"));
            assertThat(generator.availableEmbeddings()).contains("fruitpair", "dred", "xlfruit", "kfruit", "pngfruit")
                    .doesNotContain("empty", "holiday");
            assertThat(generator.embeddingFamilies()).doesNotContainKey("fruitpair"); // width 32: only the engine can tell
            GenerationResult words = generator.generate(request("a red apple cat", "red"), ProgressListener.NONE);
            GenerationResult embedded = generator.generate(request("a fruitpair cat", "onered"), ProgressListener.NONE);
            assertThat(ImageCodec.decode(embedded.images().get(0).png()).pixels())
                    .isEqualTo(ImageCodec.decode(words.images().get(0).png()).pixels());
            String infotext = PngText.read(embedded.images().get(0).png()).get(GenerationParameters.PNG_KEY);
            // A1111 encodes the negative prompt first, then the prompt, each call putting its hashes first
            assertThat(infotext).endsWith(", TI hashes: \"fruitpair: " + shortHash("fruitpair.pt") + ", onered: "
                    + shortHash("onered.pt") + "\"");
            assertThat(PngText.read(words.images().get(0).png()).get(GenerationParameters.PNG_KEY)).doesNotContain("TI hashes");
        }
    }

    @Test
    void tiHashesFollowA1111sEncoderCallsChunkByChunkAndOncePerEncoder() throws Exception {
        PromptEmbeddings sd = PromptEmbeddings.resolve(library, sd15.text(), "m", Set.of("fruitpair cat", "onered dog"));
        String fruit = shortHash("fruitpair.pt");
        String red = shortHash("onered.pt");
        assertThat(sd.tiHashes(sd15.text().tokenizer(), List.of(""), List.of("fruitpair cat", "onered dog"), 1))
                .isEqualTo("fruitpair: " + fruit + ", onered: " + red);
        assertThat(sd.tiHashes(sd15.text().tokenizer(), List.of("onered dog"), List.of("fruitpair cat, fruitpair"), 1))
                .isEqualTo("fruitpair: " + fruit + ", onered: " + red);
        PromptEmbeddings xl = PromptEmbeddings.resolve(library, sdxl.text(), "m", Set.of("xlfruit"));
        String x = "xlfruit: " + xl.byName().get("xlfruit").shortHash();
        // SDXL: clip_l's call, then clip_g's, each before what was written
        assertThat(xl.tiHashes(sdxl.text().tokenizer(), List.of("xlfruit"), List.of("a cat"), 2)).isEqualTo(x + ", " + x);
        assertThat(PromptEmbeddings.NONE.tiHashes(sd15.text().tokenizer(), List.of(""), List.of("a cat"), 1)).isNull();
    }

    @Test
    void anSdxlImageIsThatOfTheWordsAndEachEncoderCallWritesItsHashes() throws Exception {
        try (DiffusionGenerator generator = DiffusionGenerator.forCheckpoint("mini-sdxl", SDXL, Device.cpu())) {
            generator.setEmbeddingsDir(dir.resolve("embeddings"));
            GenerationResult words = generator.generate(request("mini-sdxl", "red apple on a table", "red apple"),
                    ProgressListener.NONE);
            GenerationResult embedded = generator.generate(request("mini-sdxl", "xlfruit on a table", "xlfruit"),
                    ProgressListener.NONE);
            assertThat(ImageCodec.decode(embedded.images().get(0).png()).pixels())
                    .isEqualTo(ImageCodec.decode(words.images().get(0).png()).pixels());
            String x = "xlfruit: " + shortHash("xlfruit.safetensors");
            assertThat(PngText.read(embedded.images().get(0).png()).get(GenerationParameters.PNG_KEY))
                    .endsWith(", TI hashes: \"" + String.join(", ", java.util.Collections.nCopies(4, x)) + "\"");
        }
    }

    @Test
    void anEmbeddingForAnotherTextEncoderIsRefusedNamingBothWidths() {
        try (DiffusionGenerator generator = DiffusionGenerator.forCheckpoint("mini-sd15", SD15, Device.cpu())) {
            generator.setEmbeddingsDir(dir.resolve("embeddings"));
            assertThatThrownBy(() -> generator.generate(request("a cat", "xlfruit"), ProgressListener.NONE))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("embedding 'xlfruit' has vectors of width 8 + 16")
                    .hasMessageContaining("takes 32");
        }
    }

    @Test
    void familiesAreToldFromA1111sExpectedWidths() throws IOException {
        Path other = Files.createDirectories(dir.resolve("families"));
        write(other.resolve("sd1.safetensors"), Map.of("emb_params", new float[2][768]), false);
        write(other.resolve("sd2.safetensors"), Map.of("emb_params", new float[1][1024]), false);
        write(other.resolve("xl.safetensors"), Map.of("clip_l", new float[1][768], "clip_g", new float[1][1280]), false);
        assertThat(new EmbeddingLibrary(other).families())
                .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("sd1", ModelFamily.SD1, "sd2", ModelFamily.SD2,
                        "xl", ModelFamily.SDXL)));
    }

    private static void assertSameConditioning(DiffusionModel model, String prompt, String negative, String wordsPrompt,
                                               String wordsNegative, int clipSkip) throws InvalidRequestException {
        try (NDManager m = manager.newSubManager()) {
            PromptEmbeddings embeddings = PromptEmbeddings.resolve(library, model.text(), "m", Set.of(prompt, negative));
            assertThat(embeddings.byName()).isNotEmpty();
            Conditioning got = new StableDiffusionPipeline(model, vaeTiling(), embeddings)
                    .encodePrompt(m, prompt, negative, 7, clipSkip);
            Conditioning want = new StableDiffusionPipeline(model).encodePrompt(m, wordsPrompt, wordsNegative, 7, clipSkip);
            assertThat(got.context().toFloatArray()).as(prompt).isEqualTo(want.context().toFloatArray());
            if (want.pooled() != null) {
                assertThat(got.pooled().toFloatArray()).isEqualTo(want.pooled().toFloatArray());
            }
        }
    }

    private static dev.sdbot.inference.vae.VaeTiling vaeTiling() {
        return dev.sdbot.inference.vae.VaeTiling.DEFAULT;
    }

    private static GenerationRequest request(String prompt, String negative) {
        return request("mini-sd15", prompt, negative);
    }

    private static GenerationRequest request(String model, String prompt, String negative) {
        return GenerationRequest.builder(prompt, model).negativePrompt(negative).size(64, 64).steps(1).seed(7L)
                .build();
    }

    /** The token-embedding rows of "red" and "apple". */
    private static float[][] rows(Path textEncoder) {
        int[] ids = ClipTokenizer.bundled(49407).tokenize("red apple");
        try (SafetensorsFile f = SafetensorsFile.open(textEncoder); NDManager m = NDManager.newBaseManager()) {
            NDArray table = f.load(TOKEN_EMBEDDING, m, ai.djl.ndarray.types.DataType.FLOAT32);
            return new float[][] {table.get(ids[0]).toFloatArray(), table.get(ids[1]).toFloatArray()};
        }
    }

    private static void write(Path file, Map<String, float[][]> tensors, boolean oneDimensional) {
        List<SafetensorsWriter.Entry> entries = tensors.entrySet().stream().map(e -> {
            float[][] r = e.getValue();
            long[] shape = oneDimensional ? new long[] {r[0].length} : new long[] {r.length, r[0].length};
            return new SafetensorsWriter.Entry(e.getKey(), "F32", shape, () -> {
                ByteBuffer b = ByteBuffer.allocate(r.length * r[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float[] row : r) {
                    for (float v : row) {
                        b.putFloat(v);
                    }
                }
                return b.array();
            });
        }).toList();
        SafetensorsWriter.write(file, entries, Map.of());
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = TextualInversionTest.class.getResourceAsStream("/embeddings/" + resource)) {
            Files.copy(in, target);
        }
    }

    private static String shortHash(String file) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("embeddings").resolve(file)));
        return HexFormat.of().formatHex(digest).substring(0, 12);
    }
}
