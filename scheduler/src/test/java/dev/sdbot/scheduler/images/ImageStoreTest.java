package dev.sdbot.scheduler.images;

import dev.sdbot.testkit.s3.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The same contract on the filesystem store and on the S3 store against a real S3 server (s3proxy). */
class ImageStoreTest {
    @TempDir
    static Path dir;
    static S3TestServer server;
    static FileImageStore files;
    static S3ImageStore s3;

    @BeforeAll
    static void start() {
        server = S3TestServer.start(dir.resolve("s3"));
        files = new FileImageStore(dir.resolve("files"));
        s3 = s3Store(server, "images");
    }

    /** An S3 store on the test server (creates the bucket). */
    public static S3ImageStore s3Store(S3TestServer server, String bucket) {
        return new S3ImageStore(server.endpoint(), "us-east-1", bucket, true, StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)));
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        server.close();
    }

    static Stream<ImageStore> stores() {
        return Stream.of(files, s3);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void storesReadsOverwritesAndDeletes(ImageStore store) {
        String key = ImageKeys.result(7, 1, 0);
        assertThat(store.get(key)).isNull();
        store.put(key, new byte[] {1, 2, 3});
        store.put(key, new byte[] {1, 2, 3}); // a retried write of the same attempt: one object, same bytes
        assertThat(store.get(key)).containsExactly(1, 2, 3);

        String other = ImageKeys.result(7, 2, 0);
        String input = ImageKeys.newInput("init");
        store.put(other, new byte[] {4});
        store.put(input, new byte[] {5});
        store.deletePrefix(ImageKeys.resultsOf(7));
        assertThat(store.get(key)).isNull();
        assertThat(store.get(other)).isNull();
        assertThat(store.get(input)).containsExactly(5);

        store.delete(List.of(input, ImageKeys.newInput("mask"))); // a key without an object is no error
        assertThat(store.get(input)).isNull();
        store.deletePrefix(ImageKeys.resultsOf(8));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void describesItselfWithoutCredentials(ImageStore store) {
        assertThat(store.describe()).doesNotContain(S3TestServer.SECRET_KEY).doesNotContain(S3TestServer.ACCESS_KEY);
    }

    @org.junit.jupiter.api.Test
    void aFileKeyCannotLeaveTheDirectory() {
        assertThatThrownBy(() -> files.put("../outside.png", new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> files.get("/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void wrongS3CredentialsFailWithoutShowingThem() {
        assertThatThrownBy(() -> new S3ImageStore(server.endpoint(), "us-east-1", "images", true, StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, "wrong-secret-value"))))
                .isInstanceOf(ImageStoreException.class)
                .hasMessageContaining("bucket images at " + server.endpoint())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-secret-value"));
    }
}
