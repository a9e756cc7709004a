package dev.sdbot.bot.config;

import dev.sdbot.scheduler.images.FileImageStore;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.images.S3ImageStore;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the images of jobs live ({@code images:} in sdbot.yaml): {@code filesystem} (the default; {@code dir}, unset:
 * {@code <database.dataDir>/images}) or {@code s3} (a bucket of an S3-compatible server; every process of a cluster must
 * use the same store). S3 credentials are not settings: the AWS SDK's default chain reads them (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, a profile, an instance role), so they never pass through sdbot's configuration or logs.
 */
public record ImageStoreConfig(String store, Path dir, S3 s3) {
    public static final String FILESYSTEM = "filesystem";
    public static final String S3_STORE = "s3";

    /** @param endpoint unset: AWS's endpoint of the region; @param pathStyle bucket in the path (MinIO and most self-hosted servers) */
    public record S3(String endpoint, String bucket, String region, boolean pathStyle) {
        public S3 {
            endpoint = endpoint == null || endpoint.isBlank() ? null : endpoint.trim();
            if (endpoint != null) {
                endpointUri(endpoint); // a malformed URL fails when the configuration loads
            }
            region = region == null || region.isBlank() ? "us-east-1" : region.trim();
        }
    }

    public ImageStoreConfig {
        store = store == null || store.isBlank() ? FILESYSTEM : store.trim().toLowerCase(Locale.ROOT);
        s3 = s3 == null ? new S3(null, null, null, false) : s3;
        if (!store.equals(FILESYSTEM) && !store.equals(S3_STORE)) {
            throw new IllegalArgumentException("SDBOT_IMAGE_STORE (images.store) must be 'filesystem' or 's3', got '" + store + "'");
        }
        if (store.equals(S3_STORE) && (s3.bucket() == null || s3.bucket().isBlank())) {
            throw new IllegalArgumentException("the s3 image store needs a bucket: set SDBOT_S3_BUCKET (images.s3.bucket)");
        }
    }

    /** Opens the store, with the credentials of the AWS SDK's default chain for S3. */
    public ImageStore open(Path dataDir) {
        return open(dataDir, DefaultCredentialsProvider.builder().build());
    }

    public ImageStore open(Path dataDir, AwsCredentialsProvider credentials) {
        if (store.equals(FILESYSTEM)) {
            return new FileImageStore(dir != null ? dir : dataDir.resolve("images"));
        }
        return new S3ImageStore(s3.endpoint() == null ? null : endpointUri(s3.endpoint()), s3.region(), s3.bucket(),
                s3.pathStyle(), credentials);
    }

    private static URI endpointUri(String endpoint) {
        try {
            URI uri = new URI(endpoint);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw new URISyntaxException(endpoint, "not an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            // the URL is not echoed: it could carry credentials (http://key:secret@host)
            throw new IllegalArgumentException("SDBOT_S3_ENDPOINT (images.s3.endpoint) must be an http(s) URL such as http://minio:9000");
        }
    }
}
