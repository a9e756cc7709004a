package dev.sdbot.testkit.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** A message the fake holds: its current JSON, its files' bytes, and whether it is ephemeral or deleted. */
public final class FakeMessage {
    private final long id;
    private final long channelId;
    private final boolean ephemeral;
    private volatile ObjectNode json;
    private final List<RecordedCall.UploadedFile> files = new ArrayList<>();
    private volatile boolean deleted;
    private volatile int edits;

    FakeMessage(long id, long channelId, boolean ephemeral, ObjectNode json) {
        this.id = id;
        this.channelId = channelId;
        this.ephemeral = ephemeral;
        this.json = json;
    }

    public long id() {
        return id;
    }

    public long channelId() {
        return channelId;
    }

    public boolean ephemeral() {
        return ephemeral;
    }

    public boolean deleted() {
        return deleted;
    }

    public int edits() {
        return edits;
    }

    public ObjectNode json() {
        return json;
    }

    public String content() {
        return json.path("content").asText("");
    }

    public JsonNode embeds() {
        return json.path("embeds");
    }

    public synchronized List<RecordedCall.UploadedFile> files() {
        return List.copyOf(files);
    }

    /** Custom ids of every button on the message, in order. */
    public List<String> buttonIds() {
        List<String> ids = new ArrayList<>();
        for (JsonNode row : json.path("components")) {
            for (JsonNode component : row.path("components")) {
                if (component.has("custom_id")) {
                    ids.add(component.get("custom_id").asText());
                }
            }
        }
        return ids;
    }

    /** True while the message is only Discord's "thinking..." placeholder of a deferred reply. */
    public boolean loading() {
        return (json.path("flags").asInt() & 128) != 0;
    }

    synchronized void replace(ObjectNode newJson, List<RecordedCall.UploadedFile> newFiles) {
        json = newJson;
        files.clear();
        files.addAll(newFiles);
    }

    synchronized void edited(ObjectNode newJson, List<RecordedCall.UploadedFile> keptAndNew) {
        replace(newJson, keptAndNew);
        edits++;
    }

    void delete() {
        deleted = true;
    }

    ArrayNode attachments() {
        return (ArrayNode) json.withArray("attachments");
    }

    @Override
    public String toString() {
        return "FakeMessage{" + id + " in " + channelId + (ephemeral ? " ephemeral" : "") + (deleted ? " deleted" : "")
                + ": " + json + "}";
    }
}
