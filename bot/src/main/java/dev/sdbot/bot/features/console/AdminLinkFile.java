package dev.sdbot.bot.features.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the one-time admin link minted at start goes: a file in the data directory that only its owner can read, not
 * standard output (which ends up in container logs, readable by whoever reads logs).
 */
public final class AdminLinkFile {
    static final String NAME = "console-admin-link";

    private AdminLinkFile() {
    }

    /** Writes {@code link} to {@code dataDir/console-admin-link} with mode 0600, replacing an earlier one; returns the file. */
    public static Path write(Path dataDir, String link) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(NAME);
        Path fresh = Files.createTempFile(dataDir, NAME, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(fresh, link + "\n");
            // created 0600 and moved into place: the link is never readable by others, not even for a moment
            Files.move(fresh, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(fresh);
        }
        return file;
    }
}
