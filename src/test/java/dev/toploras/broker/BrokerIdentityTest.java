package dev.toploras.broker;

import static dev.toploras.broker.BrokerHarness.drop;
import static dev.toploras.broker.BrokerHarness.job;
import static dev.toploras.broker.BrokerHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Json;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobStatus;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may talk to the embedded broker, against a real Artemis inside a real coordinator started with no broker
 * credentials configured: it makes its own, refuses anonymous and wrong logins, and a client that knows the
 * password but holds no claim can neither finish a job nor crash a route.
 */
class BrokerIdentityTest {
    private static final ObjectMapper JSON = Json.mapper();
    @TempDir
    static Path home;
    static TopLorasRuntime coordinator;
    static String url;
    static String user;
    static String password;

    @BeforeAll
    static void start() throws Exception {
        int port = Http.freePort();
        Map<String, String> c = new HashMap<>(BrokerHarness.coordinator(port, "http://127.0.0.1:9"));
        c.remove("broker.user");
        c.remove("broker.password");
        coordinator = BrokerHarness.start(home, c, null);
        url = "tcp://127.0.0.1:" + port;
        Properties p = new Properties();
        try (FileInputStream in = new FileInputStream(home.resolve("broker/credentials.properties").toFile())) {
            p.load(in);
        }
        user = p.getProperty("broker.user");
        password = p.getProperty("broker.password");
        drop(home, job("held-1", "local"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "queued".equals(status(home, "held-1")));
    }

    @AfterAll
    static void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void should_make_owner_only_credentials_on_first_start_when_none_are_configured() throws Exception {
        Path file = home.resolve("broker/credentials.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(user).isEqualTo("toploras");
        assertThat(password).hasSizeGreaterThanOrEqualTo(32);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEmpty();
        }
    }

    @Test
    void should_refuse_a_connection_when_it_gives_no_user() {
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url)) {
            assertThatThrownBy(() -> cf.createConnection().close()).isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void should_refuse_a_connection_when_its_password_is_wrong() {
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url, user, password + "x")) {
            assertThatThrownBy(() -> cf.createConnection().close()).isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void should_change_nothing_when_a_client_without_the_claim_sends_a_result() throws Exception {
        JobDocument queued = JSON.readValue(BrokerHarness.doc(home, "held-1").toFile(), JobDocument.class);
        JobDocument forged = queued.withStatus(JobStatus.RUNNING, queued.createdAt())
                .withStatus(JobStatus.SUCCEEDED, queued.createdAt());
        String body = JSON.writeValueAsString(new WorkMessages.Result("held-1", "intruder", "guessed-token", forged,
                List.of(), List.of(new WorkMessages.Image("0.png", new byte[] {1, 2, 3}))));

        String reply = request("toploras.updates", body, Map.of("toplorasKind", "result"));

        WorkMessages.Stored stored = JSON.readValue(reply, WorkMessages.Stored.class);
        assertThat(stored.stored()).isFalse();
        assertThat(status(home, "held-1")).isEqualTo("queued");
        assertThat(BrokerHarness.read(BrokerHarness.doc(home, "held-1")).at("/meta/worker").asText())
                .isNotEqualTo("intruder");
        assertThat(home.resolve("cache/outputs").resolve(BrokerHarness.TASK).resolve("held-1")).doesNotExist();
    }

    @Test
    void should_dead_letter_a_claim_with_its_reason_when_its_field_names_are_wrong() throws Exception {
        String reply = request("toploras.claims", "{\"job\": \"held-1\", \"who\": \"w-1\"}", Map.of());

        assertThat(JSON.readTree(reply).path("run").asBoolean(true)).isFalse();
        assertThat(JSON.readTree(reply).path("reason").asText()).contains("job_id");
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url, user, password);
             Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            c.start();
            MessageConsumer dlq = s.createConsumer(s.createQueue("toploras.rejected"));
            Message m = dlq.receive(5000);
            assertThat(m).isNotNull();
            assertThat(((TextMessage) m).getText()).contains("\"who\"");
            assertThat(m.getStringProperty("toplorasReason")).isEqualTo(
                    "a claim message without a usable 'job_id' (fields are snake_case, e.g. job_id)");
        }
        assertThat(status(home, "held-1")).isEqualTo("queued");
    }

    @Test
    void should_keep_the_password_out_of_the_journal_and_the_job_files_when_jobs_go_over_the_broker()
            throws Exception {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        Path credentials = home.resolve("broker/credentials.properties");
        for (String dir : List.of("broker", "cache")) {
            try (Stream<Path> files = Files.walk(home.resolve(dir))) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(credentials)).toList()) {
                    assertThat(indexOf(Files.readAllBytes(f), secret)).as(f.toString()).isEqualTo(-1);
                }
            }
        }
    }

    /** A request-reply as a worker makes it: a temporary reply queue, the answer within a few seconds. */
    private static String request(String queue, String body, Map<String, String> props) throws Exception {
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url, user, password);
             Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            c.start();
            TemporaryQueue replies = s.createTemporaryQueue();
            TextMessage m = s.createTextMessage(body);
            m.setJMSReplyTo(replies);
            m.setJMSCorrelationID("probe-1");
            for (Map.Entry<String, String> p : props.entrySet()) {
                m.setStringProperty(p.getKey(), p.getValue());
            }
            s.createProducer(s.createQueue(queue)).send(m);
            Message reply = s.createConsumer(replies).receive(10_000);
            assertThat(reply).as("a reply from " + queue).isNotNull();
            return ((TextMessage) reply).getText();
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
