package dev.toploras.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Server-Sent Events from an append-only event log ({@code <job_id>.events.jsonl}). The log is the source: a
 * client that reconnects with {@code Last-Event-ID} gets every later line, a finished job replays its log and the
 * stream closes, and events written by another process are seen too. New lines are picked up by tailing the file
 * on a short timer, which keeps the event loop free and needs no in-memory bus.
 */
public final class EventStream {
    private static final Set<String> TERMINAL_TYPES = Set.of("done", "failed");
    private static final Set<String> TERMINAL_STAGES = Set.of("DONE", "FAILED", "CANCELED");
    private static final Set<String> TERMINAL_STATUS = Set.of("succeeded", "failed", "cancelled");
    private final Function<String, Optional<Path>> locate;
    private final Function<String, String> assetUrl;
    private final ObjectMapper json;
    private final long pollMs;
    private final long heartbeatMs;

    /**
     * @param locate   the event log of a job id (empty for an unknown or unusable id: the store applies the id rule)
     * @param assetUrl the /assets/... URL of a stored path as the log records it, or null
     */
    public EventStream(Function<String, Optional<Path>> locate, Function<String, String> assetUrl, ObjectMapper json,
                       long pollMs, long heartbeatMs) {
        this.locate = locate;
        this.assetUrl = assetUrl;
        this.json = json;
        this.pollMs = pollMs;
        this.heartbeatMs = heartbeatMs;
    }

    public void handle(RoutingContext ctx, String id) {
        Optional<Path> file = locate.apply(id);
        if (file.isEmpty()) {
            String shown = id == null || id.length() <= 80 ? id : id.substring(0, 80) + "...";
            byte[] body = toBytes(Map.of("error", Problem.of(ErrorCode.NOT_FOUND, "job " + shown + " not found")));
            ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json; charset=utf-8")
                    .end(Buffer.buffer(body));
            return;
        }
        long after = lastEventId(ctx);
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        response.write(": stream of " + id + "\n\n");
        Tail tail = new Tail(file.get(), after, response);
        long timer = ctx.vertx().setPeriodic(pollMs, t -> tail.poll());
        long beat = ctx.vertx().setPeriodic(heartbeatMs, t -> {
            if (!tail.closed) {
                response.write(": keep-alive\n\n");
            }
        });
        tail.onClose = () -> {
            ctx.vertx().cancelTimer(timer);
            ctx.vertx().cancelTimer(beat);
        };
        response.closeHandler(v -> tail.close(false));
        tail.poll();
    }

    private static long lastEventId(RoutingContext ctx) {
        String v = ctx.request().getHeader("Last-Event-ID");
        if (v == null) {
            v = ctx.request().getParam("last_event_id");
        }
        try {
            return v == null ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private final class Tail {
        private final Path file;
        private final HttpServerResponse response;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private long offset;
        private long lastId;
        private boolean closed;
        /** The log holds the job's last event, already seen by the client (it reconnected at or after it). */
        private boolean endedBefore;
        private Runnable onClose = () -> { };

        Tail(Path file, long after, HttpServerResponse response) {
            this.file = file;
            this.lastId = after;
            this.response = response;
        }

        void poll() {
            if (closed) {
                return;
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size <= offset) {
                    return;
                }
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
                int n = ch.read(buf, offset);
                if (n <= 0) {
                    return;
                }
                offset += n;
                partial.write(buf.array(), 0, n);
            } catch (IOException e) {
                return; // the file may be between writes; the next tick tries again
            }
            byte[] bytes = partial.toByteArray();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    emit(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                    if (closed) {
                        return;
                    }
                }
            }
            partial.reset();
            partial.write(bytes, start, bytes.length - start); // a line still being appended waits for its newline
            if (endedBefore) {
                close(true); // nothing more will come: the client has the end already
            }
        }

        private void emit(String line) {
            if (line.isBlank()) {
                return;
            }
            JsonNode e;
            try {
                e = json.readTree(line);
            } catch (IOException bad) {
                return; // a line torn by a crash: skipped, the stream goes on
            }
            long id = e.path("id").asLong();
            String type = e.path("type").asText("status");
            boolean terminal = TERMINAL_TYPES.contains(type) || TERMINAL_STAGES.contains(e.path("stage").asText())
                    || TERMINAL_STATUS.contains(e.path("payload").path("status").asText());
            if (id <= lastId) {
                endedBefore |= terminal;
                return;
            }
            lastId = id;
            ObjectNode data = json.createObjectNode();
            data.set("job_id", e.get("job_id"));
            data.set("ts", e.get("ts"));
            data.set("stage", e.get("stage"));
            data.set("progress", e.get("progress"));
            data.set("message", e.get("message"));
            data.set("payload", e.get("payload"));
            if ("asset".equals(type) && e.path("payload").isObject()) {
                // The log records where the image is stored; a client needs the URL that serves it.
                ObjectNode payload = ((ObjectNode) e.get("payload")).deepCopy();
                String url = assetUrl.apply(payload.path("url").asText(null));
                payload.put("path", payload.path("url").asText(null));
                payload.put("url", url);
                data.set("payload", payload);
            }
            response.write("id: " + id + "\nevent: " + type + "\ndata: " + data + "\n\n");
            if (terminal) {
                close(true);
            }
        }

        void close(boolean end) {
            if (closed) {
                return;
            }
            closed = true;
            onClose.run();
            if (end) {
                response.end();
            }
        }
    }

    private byte[] toBytes(Object o) {
        try {
            return json.writeValueAsBytes(o);
        } catch (IOException e) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
    }
}
