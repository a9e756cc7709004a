package dev.sdbot.bot.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * Downloads one file into place: to {@code <target>.part} first, resumed with an HTTP Range request when a
 * part is already there, verified against a SHA-256 (given, or published by the Hub as {@code X-Linked-Etag}),
 * then moved to the target in one step. A mismatch removes the part: nothing half-written stays under the
 * model's name. The Hub token goes only to the Hub ({@code HF_ENDPOINT}) over https: redirects are followed here,
 * hop by hop, and a hop to another host (the Hub's CDN, a mirror's storage) or over plain http goes without it.
 */
public final class ModelDownloader {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int BUFFER = 1 << 16;
    /** A download that receives nothing for this long fails (the part stays, so a rerun resumes). */
    static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    /** What was downloaded: where, how many bytes, its SHA-256 and whether it was checked against a published one. */
    public record Downloaded(Path file, long bytes, String sha256, boolean verified, long resumedFrom) {
    }

    /** Reports progress: the total size once known ({@code -1} if not), then bytes so far. */
    public interface Progress {
        void start(long totalBytes, long alreadyThere);

        void advance(long bytes);
    }

    private static final int MAX_REDIRECTS = 10;
    private final HttpClient http;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "download-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final String bearerToken;
    private final URI hub;
    private final Duration stallLimit;

    /**
     * @param bearerToken a Hub access token for gated repositories, or null; never printed
     * @param hub         the Hub's base URL (HF_ENDPOINT): the only origin the token is sent to, and only if https
     */
    public ModelDownloader(String bearerToken, URI hub) {
        this(bearerToken, hub, HttpClient.newBuilder(), STALL_LIMIT);
    }

    ModelDownloader(String bearerToken, URI hub, HttpClient.Builder http, Duration stallLimit) {
        this.bearerToken = bearerToken == null || bearerToken.isBlank() ? null : bearerToken;
        this.hub = hub;
        // redirects are followed by hand, so that each hop decides for itself whether the token goes along
        this.http = http.followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(20)).build();
        this.stallLimit = stallLimit;
    }

    /** Whether a request to {@code url} carries the token: https, to the Hub's own host and port. */
    public boolean sendsTokenTo(URI url) {
        return bearerToken != null && "https".equalsIgnoreCase(hub.getScheme()) && "https".equalsIgnoreCase(url.getScheme())
                && hub.getHost() != null && hub.getHost().equalsIgnoreCase(url.getHost()) && port(hub) == port(url);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * @param expectedSha256 lower-case hex, or null to take the one the server publishes
     * @throws DownloadException with a message for the user: network failures (the part stays, so a rerun
     *                              resumes), HTTP errors and verification failures
     */
    public Downloaded download(ModelSource source, Path target, String expectedSha256, Progress progress)
            throws IOException, InterruptedException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        List<HttpResponse<?>> hops = new ArrayList<>();
        HttpResponse<InputStream> response = follow(source, have, hops);
        int status = response.statusCode();
        if (status == 416 && have > 0) { // the part is already complete
            response.body().close();
        } else if (status != 200 && status != 206) {
            response.body().close();
            throw new DownloadException(describe(status, source));
        }
        boolean append = status == 206;
        long resumedFrom = append ? have : 0;
        String published = expectedSha256 != null ? expectedSha256.toLowerCase(Locale.ROOT)
                : publishedSha256(hops).orElse(null);
        if (status != 416) {
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            progress.start(total < 0 ? -1 : total + resumedFrom, resumedFrom);
            long received;
            try (InputStream in = response.body();
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                received = copy(in, out, progress::advance);
            }
            if (total >= 0 && received < total) {
                throw new DownloadException("the connection closed after " + (resumedFrom + received) + " of "
                        + (resumedFrom + total) + " bytes; run the same command again to resume");
            }
        }
        String actual = sha256(part);
        if (published != null && !published.equals(actual)) {
            Files.deleteIfExists(part);
            throw new DownloadException("SHA-256 mismatch for " + source.fileName() + ": expected " + published + ", got "
                    + actual + "; the download was removed");
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Downloaded(target, Files.size(target), actual, published != null, resumedFrom);
    }

    /**
     * GETs the source, following up to {@link #MAX_REDIRECTS} redirects; each hop carries the token only when
     * {@link #sendsTokenTo} says so, and a redirect from https to plain http is refused. {@code hops} receives every
     * response, the last one (returned, body unread) included.
     */
    private HttpResponse<InputStream> follow(ModelSource source, long have, List<HttpResponse<?>> hops)
            throws IOException, InterruptedException {
        URI url = source.url();
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).GET();
            if (sendsTokenTo(url)) {
                request.header("Authorization", "Bearer " + bearerToken);
            }
            if (have > 0) {
                request.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            hops.add(response);
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if (!(status == 301 || status == 302 || status == 303 || status == 307 || status == 308) || location.isEmpty()) {
                return response;
            }
            response.body().close();
            if (hop == MAX_REDIRECTS) {
                throw new DownloadException("download of " + source.url() + " was redirected more than " + MAX_REDIRECTS + " times");
            }
            URI next = url.resolve(location.get());
            if ("https".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                throw new DownloadException("download of " + source.url() + " was redirected from https to "
                        + next.getScheme() + "://" + next.getHost() + "; refused");
            }
            url = next;
        }
    }

    /** The Hub publishes an LFS file's SHA-256 as {@code X-Linked-Etag} (on the redirect) or {@code ETag}. */
    private static Optional<String> publishedSha256(List<HttpResponse<?>> hops) {
        for (int i = hops.size() - 1; i >= 0; i--) { // the file's own response first, then the redirects
            HttpResponse<?> r = hops.get(i);
            for (String header : new String[] {"X-Linked-Etag", "ETag"}) {
                Optional<String> value = r.headers().firstValue(header)
                        .map(v -> v.replace("W/", "").replace("\"", "").trim().toLowerCase(Locale.ROOT))
                        .filter(v -> SHA256.matcher(v).matches());
                if (value.isPresent()) {
                    return value;
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(int status, ModelSource source) {
        return switch (status) {
            case 401, 403 -> "access to " + source.url() + " was refused (HTTP " + status
                    + "): a gated model needs HF_TOKEN with access to it";
            case 404 -> "no such file: " + source.url() + " (HTTP 404); check the repository id, --file and --revision";
            default -> "download of " + source.url() + " failed with HTTP " + status;
        };
    }

    /** Copies until the end of the stream; a stall longer than {@link #STALL_LIMIT} closes it (an IOException). */
    private long copy(InputStream in, OutputStream out, LongConsumer advanced) throws IOException {
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - lastProgress.get() > stallLimit.toNanos()) {
                stalled.set(true);
                try {
                    in.close();
                } catch (IOException ignored) {
                    // the reading thread sees the stream closed either way
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        long copied = 0;
        try {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                copied += n;
                lastProgress.set(System.nanoTime());
                advanced.accept(n);
            }
        } catch (IOException e) {
            String why = stalled.get() ? "nothing was received for " + stallLimit.toSeconds() + " s" : "the connection broke (" + e.getMessage() + ")";
            throw new DownloadException(why + " after " + copied + " more bytes; run the same command again to resume");
        } finally {
            watchdog.cancel(false);
        }
        return copied;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
