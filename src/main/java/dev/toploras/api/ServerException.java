package dev.toploras.api;

/** The HTTP server cannot serve as configured; the message says which setting to change. */
public class ServerException extends RuntimeException {
    public ServerException(String message) {
        super(message);
    }

    public ServerException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Another program has the port. */
    public static final class PortInUse extends ServerException {
        public PortInUse(String host, int port, Throwable cause) {
            super("port " + port + " on " + host + " is already in use: stop the program that holds it or choose "
                    + "another (serve --port N, or server.port)", cause);
        }
    }

    /** The address the server binds is reachable from other machines and no API key is set. */
    public static final class Exposed extends ServerException {
        public Exposed(String host) {
            super("the HTTP server would listen on " + host + ", beyond this machine, without authentication: set "
                    + "api.key (env API_KEY) so clients must send it, or bind 127.0.0.1 (server.host, and leave "
                    + "camel.server.host alone)");
        }
    }
}
