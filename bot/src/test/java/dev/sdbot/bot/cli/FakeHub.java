package dev.sdbot.bot.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Hugging Face Hub stand-in on a raw socket, so a test can drop a connection mid-body as a network does:
 * serves {@code /owner/repo/resolve/main/<file>} with {@code X-Linked-Etag}, honours {@code Range}.
 */
final class FakeHub implements AutoCloseable {
    record Served(byte[] body, String sha256) {
    }

    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final Map<String, Served> files = new ConcurrentHashMap<>();
    final List<String> ranges = new CopyOnWriteArrayList<>();
    /** The Authorization header of each request ("" when there was none). */
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** Bytes the next response sends before the connection is cut (0 = all). */
    final AtomicInteger cutAfter = new AtomicInteger();

    FakeHub() throws IOException {
        Thread acceptor = new Thread(this::acceptLoop, "fake-hub");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    void serve(String file, byte[] body, String publishedSha256) {
        files.put("/owner/repo/resolve/main/" + file, new Served(body, publishedSha256));
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                handle(client);
            } catch (IOException e) {
                // a closed server or a client that went away
            }
        }
    }

    private void handle(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
        String path = in.readLine().split(" ")[1];
        String range = null;
        String authorization = "";
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase().startsWith("range:")) {
                range = line.substring(6).trim();
            }
            if (line.toLowerCase().startsWith("authorization:")) {
                authorization = line.substring(14).trim();
            }
        }
        authorizations.add(authorization);
        OutputStream out = client.getOutputStream();
        Served served = files.get(path);
        if (served == null) {
            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return;
        }
        byte[] body = served.body();
        int from = 0;
        String status = "200 OK";
        String extra = "";
        if (range != null) {
            ranges.add(range);
            from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            status = "206 Partial Content";
            extra = "Content-Range: bytes " + from + "-" + (body.length - 1) + "/" + body.length + "\r\n";
        }
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: " + (body.length - from) + "\r\n" + extra
                + "X-Linked-Etag: \"" + served.sha256() + "\"\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        int cut = cutAfter.getAndSet(0);
        out.write(body, from, cut > 0 ? cut : body.length - from);
        out.flush();
        client.shutdownOutput(); // an orderly end: what was sent arrives, then the body ends short
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
