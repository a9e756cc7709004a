package dev.sdbot.db;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseSettingsTest {
    @Test
    void aRejectedUrlIsShownWithoutItsCredentials() {
        assertThatThrownBy(() -> new DatabaseSettings("mysql://ada:hunter2@db/x?password=hunter2", null, null, null, 10))
                .hasMessageContaining("DATABASE_URL").hasMessageContaining("mysql://***@db/x?...").hasMessageNotContaining("hunter2");
        assertThat(new DatabaseSettings("jdbc:postgresql://ada:hunter2@db/x", null, "pw", null, 10).toString())
                .doesNotContain("hunter2").doesNotContain("pw");
    }
}
