package dev.sdbot.scheduler.images;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Images as objects of one bucket of an S3-compatible server (AWS S3, MinIO, ...), through the AWS SDK v2. The
 * credentials come from a provider (the SDK's default chain in production: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
 * from the environment, a profile, an instance role): this class never sees them as text, and {@link #describe()}
 * names only the bucket and the endpoint. A missing bucket is created on start.
 */
public final class S3ImageStore implements ImageStore {
    private static final int MAX_KEYS_PER_DELETE = 1000; // the S3 API's limit

    private final S3Client s3;
    private final String bucket;
    private final String where;
    private volatile boolean batchDeletes = true;

    /**
     * @param endpoint  the server, or null for AWS's own endpoint of the region
     * @param pathStyle bucket in the path rather than the host name (MinIO and most self-hosted servers)
     */
    public S3ImageStore(URI endpoint, String region, String bucket, boolean pathStyle, AwsCredentialsProvider credentials) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("the S3 image store needs a bucket");
        }
        this.bucket = bucket;
        this.where = "S3 image store, bucket " + bucket + " at " + (endpoint == null ? "AWS" : withoutUserInfo(endpoint))
                + " (" + region + ")";
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .forcePathStyle(pathStyle)
                // checksums only where the API requires them, and as Content-MD5: S3-compatible servers (MinIO releases,
                // s3proxy) do not all accept the SDK's newer checksum headers (DeleteObjects answered 501)
                .addPlugin(LegacyMd5Plugin.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        this.s3 = builder.build();
        try {
            ensureBucket();
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    private void ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            create();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failure("could not reach", e);
            }
            create();
        } catch (SdkException e) {
            throw failure("could not reach", e);
        }
    }

    private void create() {
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw failure("could not create the bucket of", e);
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("image/png"), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw failure("could not write image " + key + " to", e);
        }
    }

    @Override
    public byte[] get(String key) {
        try {
            ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            return object.asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw failure("could not read image " + key + " from", e);
        } catch (SdkException e) {
            throw failure("could not read image " + key + " from", e);
        }
    }

    @Override
    public void delete(Collection<String> keys) {
        List<String> all = List.copyOf(keys);
        for (int from = 0; from < all.size(); from += MAX_KEYS_PER_DELETE) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + MAX_KEYS_PER_DELETE));
            if (batchDeletes) {
                try {
                    deleteBatch(batch);
                    continue;
                } catch (S3Exception e) {
                    if (e.statusCode() != 501) {
                        throw failure("could not delete " + batch.size() + " image(s) from", e);
                    }
                    batchDeletes = false; // a server without DeleteObjects (s3proxy): one request per key from now on
                } catch (SdkException e) {
                    throw failure("could not delete " + batch.size() + " image(s) from", e);
                }
            }
            for (String key : batch) {
                try {
                    s3.deleteObject(b -> b.bucket(bucket).key(key));
                } catch (SdkException e) {
                    throw failure("could not delete image " + key + " from", e);
                }
            }
        }
    }

    private void deleteBatch(List<String> batch) {
        List<ObjectIdentifier> objects = batch.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        var response = s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(objects).quiet(true).build()));
        if (!response.errors().isEmpty()) {
            throw new ImageStoreException("could not delete " + response.errors().size() + " image(s) of " + where
                    + ", first " + response.errors().get(0).key() + ": " + response.errors().get(0).code(), null);
        }
    }

    @Override
    public void deletePrefix(String prefix) {
        List<String> keys = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                keys.add(object.key());
            }
        } catch (SdkException e) {
            throw failure("could not list images " + prefix + "* of", e);
        }
        delete(keys);
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        s3.close();
    }

    private ImageStoreException failure(String what, SdkException e) {
        // the SDK's messages name the operation, status and request id, never the credentials
        return new ImageStoreException(what + " " + where + ": " + e.getMessage(), e);
    }

    private static String withoutUserInfo(URI endpoint) {
        return endpoint.getUserInfo() == null ? endpoint.toString() : endpoint.toString().replace(endpoint.getRawUserInfo() + "@", "");
    }
}
