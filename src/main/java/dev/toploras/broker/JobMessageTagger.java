package dev.toploras.broker;

import dev.toploras.modelscope.RequestTokens;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.MessageCreatedStrategy;

/**
 * Labels each job message as it is created (named in generation.queue's URI): its duplicate-detection key is the
 * job id, so a restart that re-offers a job still on the queue adds nothing; and a job whose ModelScope token came
 * with the request (held in this process's memory only) is scoped to the coordinator's own consumer, since no
 * worker may receive the token and the broker journal is on disk.
 */
public final class JobMessageTagger implements MessageCreatedStrategy {
    /** Artemis's duplicate-detection property (Message.HDR_DUPLICATE_DETECTION_ID). */
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    /** Workers select {@code toplorasScope='any'}. */
    public static final String SCOPE = "toplorasScope";
    public static final String ANY = "any";
    public static final String COORDINATOR = "coordinator";

    private final RequestTokens tokens;

    public JobMessageTagger(RequestTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void onMessageCreated(Message message, Session session, Exchange exchange, Throwable cause) {
        String jobId = exchange.getMessage().getBody(String.class);
        if (jobId == null || cause != null) {
            return;
        }
        try {
            message.setStringProperty(DUPLICATE_ID, jobId);
            message.setStringProperty(SCOPE, tokens.get(jobId).isPresent() ? COORDINATOR : ANY);
        } catch (JMSException e) {
            throw new BrokerException("cannot label the message of job " + jobId + ": " + e.getMessage(), e);
        }
    }
}
