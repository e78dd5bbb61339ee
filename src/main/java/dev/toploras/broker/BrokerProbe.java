package dev.toploras.broker;

import dev.toploras.core.Settings;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * `worker`'s check before it starts: is broker.url set, and does the broker there take these credentials? One try,
 * bounded in time, so a wrong password or an unreachable broker is one line and exit 6 within seconds rather than a
 * worker that says "taking jobs" and retries forever. Called through a static method that returns text, so the
 * CLI names no broker class until `worker` runs.
 */
public final class BrokerProbe {
    private BrokerProbe() {
    }

    /** Null when the worker can connect; otherwise the one line that says why not and what to set. */
    public static String problem(Settings settings) {
        BrokerSettings b;
        int timeoutMs;
        try {
            b = BrokerSettings.from(settings).forWorker();
            // connecting and the login reply are each given this long (broker.connect-timeout, default 4 s)
            timeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.duration("broker.connect-timeout").toMillis());
        } catch (BrokerException | IllegalArgumentException e) {
            return e.getMessage();
        }
        String url = b.clientUrl();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(withConnectTimeout(url, timeoutMs),
                b.user(), b.password())) {
            cf.setCallTimeout(timeoutMs);
            cf.setInitialConnectAttempts(1);
            cf.setReconnectAttempts(0);
            cf.createConnection().close();
            return null;
        } catch (JMSSecurityException e) {
            return "the broker at " + url + " refused user '" + b.user() + "': check broker.user and broker.password "
                    + "(BROKER_PASSWORD); an embedded broker's are in <home>/broker/" + BrokerCredentials.FILE
                    + " on the coordinator";
        } catch (JMSException | RuntimeException e) {
            return "cannot reach the broker at " + url + " (" + oneLine(e) + "); check broker.url and that the "
                    + "coordinator (serve with broker.embedded=true) or the broker is running";
        }
    }

    /** A plain tcp://host:port gets a connect timeout; a URL with its own options or several hosts is left as is. */
    static String withConnectTimeout(String url, int timeoutMs) {
        return url.matches("tcp://[^?,()]+") ? url + "?connectTimeoutMillis=" + timeoutMs : url;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }
}
