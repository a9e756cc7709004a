package dev.sdbot.bot.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The process's HTTP server: {@code port} 0 means none; {@code bind} is the address it listens on (loopback unless
 * told otherwise, the console and metrics are not for the open internet); {@code oauth} is the admin console's login
 ({@code http.console:} in sdbot.yaml).
 */
public record HttpSettings(int port, String bind, @JsonProperty("console") OAuth oauth) {

    public HttpSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("SDBOT_HTTP_PORT (httpPort) must be between 1 and 65535, or 0 for no HTTP server; got "
                    + port);
        }
        bind = bind == null || bind.isBlank() ? "127.0.0.1" : bind.trim();
        oauth = oauth == null ? new OAuth(null, null, null, null) : oauth;
    }

    public boolean enabled() {
        return port != 0;
    }

    /**
     * Discord OAuth2 login to the console. {@code clientSecret} is a secret: never logged, not in {@link #toString()}.
     * {@code apiUrl} is Discord's API base ({@code /oauth2/authorize}, {@code /oauth2/token},
     * {@code /users/@me/guilds} below it); tests point it at a local fake.
     */
    public record OAuth(String clientId, String clientSecret, String publicUrl, @JsonProperty("oauthUrl") String apiUrl) {
        public OAuth {
            apiUrl = stripSlash(apiUrl == null || apiUrl.isBlank() ? "https://discord.com/api" : apiUrl);
            publicUrl = publicUrl == null || publicUrl.isBlank() ? null : stripSlash(publicUrl);
            requireHttpUrl(publicUrl, "SDBOT_CONSOLE_PUBLIC_URL (consolePublicUrl)");
            requireHttpUrl(apiUrl, "SDBOT_CONSOLE_OAUTH_URL (consoleOAuthUrl)");
        }

        public boolean configured() {
            return clientId != null && !clientId.isBlank() && clientSecret != null && !clientSecret.isBlank() && publicUrl != null;
        }

        /** Why the OAuth login cannot be offered, for the login page; null when it can. */
        public String missing() {
            if (configured()) {
                return null;
            }
            return "Discord login is not configured: set SDBOT_CONSOLE_CLIENT_ID, SDBOT_CONSOLE_CLIENT_SECRET and"
                    + " SDBOT_CONSOLE_PUBLIC_URL (http.console.clientId, clientSecret, publicUrl in sdbot.yaml)";
        }

        @Override
        public String toString() {
            return "OAuth[clientId=" + clientId + ", clientSecret=" + (clientSecret == null ? "none" : "***")
                    + ", publicUrl=" + publicUrl + ", apiUrl=" + apiUrl + "]";
        }

        /** A malformed URL fails at start, not at the first login. */
        private static void requireHttpUrl(String url, String setting) {
            if (url == null) {
                return;
            }
            try {
                URI uri = new URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException(setting + " must be an http(s) URL with a host, got " + url);
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(setting + " is not a URL: " + e.getMessage());
            }
        }

        private static String stripSlash(String url) {
            String trimmed = url.trim();
            return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
        }
    }
}
