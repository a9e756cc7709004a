package dev.sdbot.testkit.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * A real S3 server for tests and the soak: s3proxy (Maven Central, org.gaul:s3proxy) with its filesystem backend,
 * in this process but in a class loader of its own, built from the class path the test kit's build wrote
 * ({@code s3proxy.classpath}), so its libraries never meet the bot's. Credentials are fixed test values.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "sdbot-test-access";
    public static final String SECRET_KEY = "sdbot-test-secret-do-not-log";

    private final URLClassLoader loader;
    private final AutoCloseable boot;
    private final URI endpoint;

    private S3TestServer(Path directory) throws Exception {
        Files.createDirectories(directory);
        loader = new URLClassLoader("s3proxy", classPath(), ClassLoader.getPlatformClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // jclouds finds its providers through the context class loader
        try {
            boot = (AutoCloseable) loader.loadClass(S3ProxyBoot.class.getName())
                    .getConstructor(String.class, String.class, String.class)
                    .newInstance(directory.toString(), ACCESS_KEY, SECRET_KEY);
        } catch (Exception | Error e) {
            loader.close();
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
        endpoint = URI.create("http://127.0.0.1:" + ((IntSupplier) boot).getAsInt());
    }

    /** Starts a server whose buckets are directories under {@code directory}. */
    public static S3TestServer start(Path directory) {
        try {
            return new S3TestServer(directory);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not start s3proxy: " + e, e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        try {
            boot.close();
        } finally {
            loader.close();
        }
    }

    /** s3proxy's libraries and the test kit's own classes (for {@link S3ProxyBoot}). */
    private static URL[] classPath() throws IOException, URISyntaxException {
        List<URL> urls = new ArrayList<>();
        urls.add(S3TestServer.class.getProtectionDomain().getCodeSource().getLocation());
        try (InputStream in = S3TestServer.class.getResourceAsStream("s3proxy.classpath")) {
            if (in == null) {
                throw new IllegalStateException("s3proxy.classpath missing: build the testkit module with Maven");
            }
            for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator)) {
                urls.add(url(Path.of(entry)));
            }
        }
        return urls.toArray(new URL[0]);
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }
}
