package dev.sdbot.testkit.s3;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.util.Properties;
import java.util.function.IntSupplier;

/**
 * Starts s3proxy on a free local port with its filesystem backend. Loaded by {@link S3TestServer} in a class loader of
 * its own (s3proxy's Jetty 11 and the bot's Jetty 12 cannot share one); only java.* types cross that boundary.
 */
public final class S3ProxyBoot implements IntSupplier, AutoCloseable {
    private final S3Proxy proxy;
    private final BlobStoreContext context;

    public S3ProxyBoot(String directory, String accessKey, String secretKey) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory);
        context = ContextBuilder.newBuilder("filesystem").credentials(accessKey, secretKey).overrides(properties)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start within 30 s: " + proxy.getState());
            }
            Thread.sleep(5);
        }
    }

    /** The port it listens on (127.0.0.1). */
    @Override
    public int getAsInt() {
        return proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
