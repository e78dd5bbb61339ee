package dev.toploras.api;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Takes a per-request ModelScope token off the message before anything else can see it: Camel headers are copied
 * onward (to queues, to responses), so the token moves into an exchange variable that only the accept step reads.
 * The API key headers go too; nothing after this step needs them.
 */
public final class TokenHeaderProcessor implements Processor {
    public static final String HEADER = "X-ModelScope-Token";
    public static final String VARIABLE = "modelscopeToken";

    @Override
    public void process(Exchange exchange) {
        Message msg = exchange.getMessage();
        String token = msg.getHeader(HEADER, String.class);
        msg.removeHeader(HEADER);
        msg.removeHeader("Authorization");
        msg.removeHeader("X-API-Key");
        exchange.setVariable(VARIABLE, token == null || token.isBlank() ? null : token.trim());
    }
}
