package dev.toploras.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import dev.toploras.support.Stubs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one client may hold of the server (server.* limits, docs/security.md), with small limits so each shows in a
 * second or three: connections that send nothing, headers or bodies that trickle, a body shorter than its
 * Content-Length, and more connections than the cap.
 */
class ServerLimitsTest {
    static TopLorasRuntime runtime;
    static Http http;
    static int port;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Stubs.Served served = Stubs.serve(dir, Map.of(
                "server.idle-timeout", "3s",
                "server.header-timeout", "2s",
                "server.body-timeout", "1s",
                "server.max-connections", "6"));
        runtime = served.runtime();
        http = served.http();
        port = Integer.parseInt(http.base().replaceAll(".*:", ""));
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(8_000);
        return s;
    }

    /** Reads until the server closes the connection; fails if it is still open after the socket timeout. */
    static String readToClose(Socket s) throws IOException {
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open", e);
        }
    }

    /** Sends one byte at a time, {@code everyMs} apart (the slow client's pace), until the server hangs up. */
    static void trickle(Socket s, String text, long everyMs) {
        try {
            OutputStream out = s.getOutputStream();
            for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
                out.write(b);
                out.flush();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(everyMs)); // pacing the input, not awaiting
            }
        } catch (IOException closed) {
            // the server hung up: what the test waits for
        }
    }

    @Test
    void should_close_a_connection_that_sends_nothing() throws Exception {
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            assertThat(readToClose(s)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void should_close_a_connection_whose_headers_trickle_past_the_header_timeout() throws Exception {
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            Thread slow = new Thread(() -> trickle(s, "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: "
                    + "a".repeat(200) + "\r\n\r\n", 100));
            slow.start();
            String answer = readToClose(s);
            assertThat(answer).doesNotContain("200 OK");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            slow.join();
        }
    }

    @Test
    void should_answer_408_when_a_body_does_not_arrive_in_time() throws Exception {
        for (boolean trickling : new boolean[] {false, true}) {
            try (Socket s = connect()) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/v1/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 500\r\n\r\n{\"task\":").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread slow = new Thread(() -> trickle(s, trickling ? " ".repeat(100) : "", 100));
                slow.start();
                String answer = readToClose(s);
                assertThat(answer).as("trickling=" + trickling).startsWith("HTTP/1.1 408")
                        .contains("\"request_timeout\"");
                slow.join();
            }
        }
    }

    @Test
    void should_close_connections_over_the_cap_at_once_and_serve_again_when_they_go() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                held.add(connect());
            }
            // The server counts a connection once it has accepted it; a request on one of the six proves it has.
            OutputStream first = held.get(0).getOutputStream();
            first.write("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = held.get(0).getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
            try (Socket over = connect()) {
                long t0 = System.nanoTime();
                assertThat(readToClose(over)).isEmpty();
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> http.get("/api/health").statusCode() == 200);
    }

    @Test
    void should_answer_options_star_in_the_error_shape_when_a_client_asks_for_the_server_as_a_whole()
            throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String reply = readToClose(s);

            assertThat(reply).startsWith("HTTP/1.1 400");
            assertThat(reply).contains("application/json").contains("\"invalid_request\"")
                    .contains("is not a path");
        }
        assertThat(http.get("/api/health").statusCode()).isEqualTo(200);
    }
}
