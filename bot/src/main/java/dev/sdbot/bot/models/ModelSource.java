package dev.sdbot.bot.models;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a model comes from: a Hugging Face Hub repository and a file in it ({@code owner/repo} + file), or a
 * direct http(s) URL. Only {@code .safetensors} files: pickled {@code .ckpt} files can run code when loaded.
 *
 * @param url      what to download
 * @param fileName the file name it gets in the models directory
 */
public record ModelSource(URI url, String fileName) {
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.safetensors");

    /**
     * @param source   {@code owner/repo} or an http(s) URL
     * @param file     the file's path in the repository (required for a repository, ignored for a URL)
     * @param revision branch, tag or commit of the repository
     * @param endpoint the Hub's base URL ({@code https://huggingface.co}, or a mirror)
     * @param name     the local file name without extension, or null for the source's own
     */
    public static ModelSource parse(String source, String file, String revision, URI endpoint, String name) {
        URI url;
        String remoteName;
        if (source.startsWith("http://") || source.startsWith("https://")) {
            url = URI.create(source);
            String path = url.getPath();
            remoteName = path.substring(path.lastIndexOf('/') + 1);
        } else if (REPO_ID.matcher(source).matches()) {
            if (file == null || file.isBlank()) {
                throw new IllegalArgumentException("name the file to download from " + source
                        + " with --file, e.g. --file v1-5-pruned-emaonly.safetensors");
            }
            String encodedPath = Arrays.stream(file.split("/"))
                    .map(part -> URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"))
                    .collect(Collectors.joining("/"));
            String base = endpoint.toString().replaceAll("/+$", "");
            url = URI.create(base + "/" + source + "/resolve/" + URLEncoder.encode(revision, StandardCharsets.UTF_8)
                    + "/" + encodedPath);
            remoteName = file.substring(file.lastIndexOf('/') + 1);
        } else {
            throw new IllegalArgumentException("'" + source + "' is neither a Hugging Face repository id (owner/repo) nor an http(s) URL");
        }
        String fileName = name != null ? name + ".safetensors" : remoteName;
        if (!fileName.toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
            throw new IllegalArgumentException("only .safetensors files can be pulled ('" + remoteName
                    + "'): pickled .ckpt/.pt files can run code when they are loaded");
        }
        if (!SAFE_NAME.matcher(fileName).matches()) {
            throw new IllegalArgumentException("'" + fileName + "' is not a usable model file name (letters, digits, . _ - only)");
        }
        return new ModelSource(url, fileName);
    }
}
