package dev.sdbot.bot.models;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HF_TOKEN goes only over https to the Hub's host: local https servers (a certificate made with the JDK's keytool for
 * localhost and 127.0.0.1, trusted by the test's client) and a plain http one record the Authorization header of every
 * request; the Hub redirects to a "CDN" on another host, to itself, and to plain http.
 */
class ModelDownloaderTokenTest {
    private static final String TOKEN = "hf_secret_token";
    private static final byte[] BODY = "safetensors bytes".getBytes(StandardCharsets.UTF_8);
    private static final ModelDownloader.Progress NO_PROGRESS = new ModelDownloader.Progress() {
        @Override
        public void start(long totalBytes, long alreadyThere) {
        }

        @Override
        public void advance(long bytes) {
        }
    };
    private static SSLContext tls;

    @TempDir
    Path dir;
    private final List<String> hubSaw = new CopyOnWriteArrayList<>();
    private final List<String> cdnSaw = new CopyOnWriteArrayList<>();
    private final List<String> plainSaw = new CopyOnWriteArrayList<>();
    private HttpsServer hub;
    private HttpsServer cdn;
    private HttpServer plain;

    @BeforeAll
    static void certificate(@TempDir Path keys) throws Exception {
        Path store = keys.resolve("test.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "test", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String said = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(said).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    }

    @BeforeEach
    void servers() throws IOException {
        hub = HttpsServer.create(new InetSocketAddress(0), 0); // reached as "localhost", which may resolve to ::1 first
        cdn = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        plain = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hub.setHttpsConfigurator(new HttpsConfigurator(tls));
        cdn.setHttpsConfigurator(new HttpsConfigurator(tls));
        String cdnUrl = "https://127.0.0.1:" + cdn.getAddress().getPort(); // another host name, another port
        hub.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            Map<String, String> redirects = Map.of(
                    "/owner/repo/resolve/main/to-cdn.safetensors", cdnUrl + "/blob",
                    "/owner/repo/resolve/main/to-self.safetensors", "/api/resolve-cache/blob",
                    "/owner/repo/resolve/main/to-plain.safetensors", "http://127.0.0.1:" + plain.getAddress().getPort() + "/blob");
            serve(ex, hubSaw, redirects.get(path));
        });
        cdn.createContext("/", ex -> serve(ex, cdnSaw, null));
        plain.createContext("/", ex -> serve(ex, plainSaw, null));
        hub.start();
        cdn.start();
        plain.start();
    }

    @AfterEach
    void stop() {
        hub.stop(0);
        cdn.stop(0);
        plain.stop(0);
    }

    /** Records "path Authorization-header" and answers a redirect (with the Hub's X-Linked-Etag) or the body. */
    private static void serve(HttpExchange ex, List<String> saw, String redirect) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        saw.add(ex.getRequestURI().getPath() + " " + (auth == null ? "-" : auth));
        if (redirect != null) {
            ex.getResponseHeaders().add("Location", redirect);
            ex.sendResponseHeaders(302, -1);
        } else {
            ex.sendResponseHeaders(200, BODY.length);
            ex.getResponseBody().write(BODY);
        }
        ex.close();
    }

    private URI hubUrl() {
        return URI.create("https://localhost:" + hub.getAddress().getPort());
    }

    private ModelDownloader downloader(URI endpoint) {
        return new ModelDownloader(TOKEN, endpoint, HttpClient.newBuilder().sslContext(tls), Duration.ofSeconds(30));
    }

    private ModelDownloader.Downloaded pull(URI endpoint, String file) throws Exception {
        ModelSource source = ModelSource.parse("owner/repo", file, "main", endpoint, null);
        return downloader(endpoint).download(source, dir.resolve(file), null, NO_PROGRESS);
    }

    @Test
    void theTokenGoesToTheHubOverHttps() throws Exception {
        assertThat(Files.readAllBytes(pull(hubUrl(), "direct.safetensors").file())).isEqualTo(BODY);
        assertThat(hubSaw).containsExactly("/owner/repo/resolve/main/direct.safetensors Bearer " + TOKEN);
    }

    @Test
    void aRedirectToAnotherHostGoesWithoutTheToken() throws Exception {
        assertThat(Files.readAllBytes(pull(hubUrl(), "to-cdn.safetensors").file())).isEqualTo(BODY);
        assertThat(hubSaw).containsExactly("/owner/repo/resolve/main/to-cdn.safetensors Bearer " + TOKEN);
        assertThat(cdnSaw).containsExactly("/blob -");
    }

    @Test
    void aRedirectWithinTheHubKeepsTheToken() throws Exception {
        pull(hubUrl(), "to-self.safetensors");
        assertThat(hubSaw).containsExactly("/owner/repo/resolve/main/to-self.safetensors Bearer " + TOKEN,
                "/api/resolve-cache/blob Bearer " + TOKEN);
    }

    @Test
    void aRedirectFromHttpsToPlainHttpIsRefused() {
        assertThatThrownBy(() -> pull(hubUrl(), "to-plain.safetensors")).isInstanceOf(DownloadException.class)
                .hasMessageContaining("redirected from https to http://127.0.0.1").hasMessageNotContaining(TOKEN);
        assertThat(plainSaw).isEmpty();
        assertThat(dir.resolve("to-plain.safetensors")).doesNotExist();
    }

    @Test
    void aPlainHttpEndpointNeverGetsTheToken() throws Exception {
        URI endpoint = URI.create("http://127.0.0.1:" + plain.getAddress().getPort());
        pull(endpoint, "direct.safetensors");
        assertThat(plainSaw).containsExactly("/owner/repo/resolve/main/direct.safetensors -");
        assertThat(downloader(endpoint).sendsTokenTo(endpoint.resolve("/x"))).isFalse();
    }

    @Test
    void aDirectUrlOnAnotherHostGetsNoToken() throws Exception {
        URI url = URI.create("https://127.0.0.1:" + cdn.getAddress().getPort() + "/models/direct.safetensors");
        ModelSource source = ModelSource.parse(url.toString(), null, "main", hubUrl(), null);
        downloader(hubUrl()).download(source, dir.resolve("direct.safetensors"), null, NO_PROGRESS);
        assertThat(cdnSaw).containsExactly("/models/direct.safetensors -");
        assertThat(downloader(hubUrl()).sendsTokenTo(URI.create("https://localhost:1/x"))).as("another port").isFalse();
        assertThat(downloader(hubUrl()).sendsTokenTo(URI.create("http://localhost:" + hub.getAddress().getPort() + "/x")))
                .as("plain http to the Hub's host").isFalse();
    }
}
