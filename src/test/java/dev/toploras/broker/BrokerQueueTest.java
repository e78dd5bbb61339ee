package dev.toploras.broker;

import static dev.toploras.broker.BrokerHarness.doc;
import static dev.toploras.broker.BrokerHarness.drop;
import static dev.toploras.broker.BrokerHarness.job;
import static dev.toploras.broker.BrokerHarness.read;
import static dev.toploras.broker.BrokerHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator with an embedded Artemis and a worker with a home of its own: jobs go over the broker and back. */
class BrokerQueueTest {
    @TempDir
    static Path coordinatorHome;
    @TempDir
    static Path workerHome;
    static TopLorasRuntime coordinator;
    static TopLorasRuntime worker;

    @BeforeAll
    static void start() throws Exception {
        int port = Http.freePort();
        coordinator = BrokerHarness.start(coordinatorHome, BrokerHarness.coordinator(port, "http://127.0.0.1:9"), null);
        worker = BrokerHarness.start(workerHome, BrokerHarness.worker("w-one", port, "http://127.0.0.1:9", 2), null);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void should_store_a_workers_result_in_the_coordinators_home_when_a_job_goes_over_the_broker() {
        drop(coordinatorHome, job("over-1", "local"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(status(coordinatorHome, "over-1")));
        JsonNode d = read(doc(coordinatorHome, "over-1"));
        assertThat(d.at("/meta/worker").asText()).isEqualTo("w-one");
        assertThat(d.at("/meta/attempts").asInt()).isEqualTo(1);
        String url = d.at("/result/0/data/url").asText();
        assertThat(coordinatorHome.resolve(url)).isRegularFile();
        assertThat(workerHome.resolve("cache")).doesNotExist();
    }
}
