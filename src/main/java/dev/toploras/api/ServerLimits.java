package dev.toploras.api;

import java.time.Duration;

/**
 * What one client may hold of the HTTP server: an idle connection is closed after {@code idle}; a connection must
 * send its first request's headers within {@code header} and a request its whole body within {@code body}; at most
 * {@code maxConnections} are open at once; a request line and the headers have byte caps. docs/security.md says why
 * each default is what it is.
 */
public record ServerLimits(Duration idle, Duration header, Duration body, int maxConnections, int maxHeaderBytes,
                           int maxInitialLineBytes) {
    public ServerLimits {
        if (maxConnections < 1 || maxHeaderBytes < 1024 || maxInitialLineBytes < 256) {
            throw new IllegalArgumentException("server.max-connections must be at least 1, server.max-header-bytes "
                    + "at least 1024 and server.max-initial-line-bytes at least 256");
        }
    }
}
