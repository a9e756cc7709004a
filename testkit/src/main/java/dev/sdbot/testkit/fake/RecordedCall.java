package dev.sdbot.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One REST request JDA made, as the fake saw it.
 *
 * @param method     HTTP method
 * @param path       path below /api/v10/ (e.g. "interactions/1/tok/callback")
 * @param query      raw query string or ""
 * @param payload    JSON body, or the payload_json part of a multipart body; null when there was none
 * @param files      uploaded files of a multipart body
 * @param status     the status the fake answered with
 * @param atNanos    System.nanoTime() when the request arrived
 */
public record RecordedCall(String method, String path, String query, JsonNode payload, List<UploadedFile> files,
                           int status, long atNanos) {

    /** A file part of a multipart request. */
    public record UploadedFile(String field, String filename, byte[] bytes) {
    }

    public boolean is(String method, String pathRegex) {
        return this.method.equals(method) && path.matches(pathRegex);
    }
}
