package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.scheduler.JobView;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad /imagine input is refused by a true ephemeral reply (interaction response type 4: no public "thinking…"
 * placeholder ever appears) and queues nothing: blank prompts, a mask
 * that does not fit the image, and images over the pixel limit (read from their headers, never decoded).
 * WebP, which Discord clients send, is accepted.
 */
class ImagineBadInputTest extends EndToEndTest {

    /**
     * One refused /imagine with images first: on a busy 2-core machine the bot's very first one (cold JIT, first
     * queries of each store) can overrun the check budget and take the public-defer fallback, which the
     * assertions below would mistake for the design.
     */
    @BeforeAll
    static void warmUp() {
        FakeDiscord.HostedFile image = harness.discord.hostAttachment("warm.png", "image/png",
                ImageCodec.encodePng(new RgbImage(8, 8, new byte[8 * 8 * 3])));
        harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "warm up", "image", image,
                "mask", harness.discord.hostAttachment("warm-mask.png", "image/png",
                        ImageCodec.encodePng(new RgbImage(8, 4, new byte[8 * 4 * 3])))));
    }

    /** Every test of this class but the WebP one queues nothing, so the job count before is the WebP job's or zero. */
    private String refused(FakeInteraction interaction) {
        long jobsBefore = db.queryLong("SELECT count(*) FROM jobs WHERE prompt <> 'from a webp'");
        String text = harness.awaitEphemeral(interaction);
        assertThat(interaction.ackType()).as("answered without a public placeholder").isEqualTo(4);
        assertThat(harness.discord.calls("POST", "webhooks/.*")).noneMatch(c -> c.path().contains(interaction.token()));
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE prompt <> 'from a webp'")).isEqualTo(jobsBefore).isZero();
        assertThat(harness.discord.visibleMessages(guild.general)).noneMatch(m -> m.content().contains("Queued"));
        return text;
    }

    private FakeDiscord.HostedFile png(String name, int width, int height) {
        return harness.discord.hostAttachment(name, "image/png",
                ImageCodec.encodePng(new RgbImage(width, height, new byte[width * height * 3])));
    }

    /** A 1x1 PNG whose IHDR claims {@code width x height} (a few hundred bytes that would decode to gigabytes). */
    private static byte[] pngClaiming(int width, int height) {
        byte[] png = ImageCodec.encodePng(new RgbImage(1, 1, new byte[3]));
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return png;
    }

    /** A small JPEG whose SOF0 header claims {@code width x height}, like a large camera photo. */
    private static byte[] jpegClaiming(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpg", out);
        byte[] jpeg = out.toByteArray();
        for (int i = 2; i + 8 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
                ByteBuffer.wrap(jpeg).putShort(i + 5, (short) height).putShort(i + 7, (short) width);
                return jpeg;
            }
        }
        throw new IllegalStateException("no SOF0 marker");
    }

    @Test
    void blankPromptsAreRefused() {
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "   "))).isEqualTo("⚠️ The prompt is empty.");
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "?!… --- ***")))
                .isEqualTo("⚠️ The prompt has no words, only punctuation or symbols.");
    }

    /** Each rule of {@code GenerationRequest.problems()} that a member can break through /imagine's options. */
    @Test
    void eachRuleOfTheRequestIsRefusedWithItsSentence() {
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "a boat", "steps", 0)))
                .isEqualTo("⚠️ Steps must be between 1 and 150, got 0.");
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "a boat", "steps", 151)))
                .isEqualTo("⚠️ Steps must be between 1 and 150, got 151.");
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "a boat", "cfg", 0.5)))
                .isEqualTo("⚠️ CFG scale must be between 1 and 30, got 0.5.");
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "a boat", "cfg", 31.0)))
                .isEqualTo("⚠️ CFG scale must be between 1 and 30, got 31.0.");
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "a boat", "count", 5)))
                .isEqualTo("⚠️ Images per request must be between 1 and 4, got 5.");
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "a boat", "strength", 1.5)))
                .isEqualTo("⚠️ Strength must be between 0 and 1, got 1.5.");
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "a (boat:1.2.3)")))
                .startsWith("⚠️ Prompt: '1.2.3' is not a number");
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "a boat", "negative", "(fog:1..2)")))
                .startsWith("⚠️ Negative prompt: '1..2' is not a number");
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "a boat <lora:x:lots>")))
                .startsWith("⚠️ Prompt: malformed LoRA tag <lora:x:lots>");
    }

    /** A1111's AND (composable diffusion) is not implemented: refused before queueing, not read as plain text. */
    @Test
    void andIsRefusedAsNotSupported() {
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "a cat AND a dog")))
                .startsWith("⚠️ AND is not supported (A1111's composable diffusion)");
    }

    @Test
    void aMaskThatDoesNotFitTheImageIsRefused() {
        String text = refused(harness.imagine(guild.alice, guild.general, "prompt", "a boat",
                "image", png("boat.png", 64, 64), "mask", png("mask.png", 64, 32)));
        assertThat(text).contains("The mask (64x32) does not match the init image (64x64)");
    }

    @Test
    void imagesOverThePixelLimitAreRefusedFromTheirHeaders() throws Exception {
        FakeDiscord.HostedFile bomb = harness.discord.hostAttachment("bomb.png", "image/png", pngClaiming(30000, 30000));
        assertThat(bomb.bytes().length).isLessThan(200);
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "x", "image", bomb)))
                .isEqualTo("⚠️ The image attachment is 30000x30000 (900.0 megapixels); at most 16.8 megapixels is accepted: scale it down.");
        FakeDiscord.HostedFile photo = harness.discord.hostAttachment("photo.jpg", "image/jpeg", jpegClaiming(5472, 3648));
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "x", "image", photo)))
                .contains("The image attachment is 5472x3648 (20.0 megapixels)");
        FakeDiscord.HostedFile mask = harness.discord.hostAttachment("mask.png", "image/png", pngClaiming(8192, 8192));
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "x", "image", png("ok.png", 64, 64),
                "mask", mask))).contains("The mask attachment is 8192x8192");
    }

    @Test
    void unreadableImagesAreRefusedWithoutAPlaceholder() {
        byte[] broken = pngClaiming(64, 64);
        broken[13] = 'X'; // IHDR → IXDR: no longer a PNG header ImageIO accepts
        FakeDiscord.HostedFile file = harness.discord.hostAttachment("broken.png", "image/png", broken);
        assertThat(refused(harness.imagine(guild.alice, guild.general, "prompt", "x", "image", file)))
                .contains("The image attachment is not an image I can read");
    }

    @Test
    void webpIsAcceptedAndQueuedWithItsBytes() throws Exception {
        byte[] webp;
        try (InputStream in = ImagineBadInputTest.class.getResourceAsStream("/images/gradient-48x32-lossless.webp")) {
            webp = in.readAllBytes();
        }
        FakeDiscord.HostedFile file = harness.discord.hostAttachment("photo.webp", "image/webp", webp);
        FakeInteraction imagine = harness.imagine(guild.alice, guild.general, "prompt", "from a webp", "image", file,
                "strength", 0.5);
        long jobId = harness.jobIdOf(harness.awaitResult(imagine));
        JobView job = harness.jobs().find(jobId).orElseThrow();
        assertThat(harness.jobs().requestWithImages(job).initImage()).isEqualTo(webp);
        assertThat(harness.discord.calls("POST", "interactions/" + imagine.id() + "/.*/callback"))
                .extracting(c -> c.payload().path("type").asInt()).containsExactly(5);
    }
}
