package dev.toploras.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `serve` starts while clients already knock: a supervisor's or a benchmark's health checks, a browser tab left open.
 * The limited listener replaces Camel's on the same port (EdgeServer), and a connection caught in between once made
 * the start fail with "port already in use".
 */
class ServeStartTest {
    @Test
    void should_start_and_answer_health_when_clients_connect_during_the_start(@TempDir Path home) throws Exception {
        int port = Http.freePort();
        AtomicBoolean knocking = new AtomicBoolean(true);
        AtomicInteger connected = new AtomicInteger();
        Runnable knock = () -> {
            while (knocking.get()) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    connected.incrementAndGet();
                    OutputStream out = s.getOutputStream();
                    out.write("GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    s.setSoTimeout(200);
                    s.getInputStream().read();
                } catch (IOException notYet) {
                    Thread.onSpinWait(); // nothing listens yet, or the listener is being replaced: knock again
                }
            }
        };
        Thread[] clients = new Thread[4];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new Thread(knock, "knocking-client-" + i);
            clients[i].setDaemon(true);
            clients[i].start();
        }
        try (TopLorasRuntime runtime = TopLorasRuntime.start(new Home(home), Map.of("runtime.serve", "true",
                "server.port", String.valueOf(port), "catalog.refresh-on-start", "false"), Optional::empty,
                Clock.systemUTC())) {
            knocking.set(false);
            for (Thread client : clients) {
                client.join(5_000);
            }
            assertThat(connected.get()).as("the client reached the port while serve started").isPositive();
            assertThat(new Http(port).get("/api/health").statusCode()).isEqualTo(200);
        } finally {
            knocking.set(false);
        }
    }
}
