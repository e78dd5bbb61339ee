package dev.toploras.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Writes an {@link ApiReply} as the HTTP response. It starts from no headers at all: whatever the request or the
 * route put on the message (an Authorization header, say) must never travel back to the client.
 */
public final class ApiReplyProcessor implements Processor {
    private final ObjectMapper json;

    public ApiReplyProcessor(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ApiReply reply = exchange.getMessage().getMandatoryBody(ApiReply.class);
        write(exchange.getMessage(), reply, json);
    }

    static void write(Message msg, ApiReply reply, ObjectMapper json) throws Exception {
        msg.getHeaders().clear();
        msg.setHeader(Exchange.HTTP_RESPONSE_CODE, reply.status());
        reply.headers().forEach(msg::setHeader);
        if (reply.body() instanceof ApiReply.Raw raw) {
            msg.setHeader(Exchange.CONTENT_TYPE, raw.contentType());
            msg.setBody(raw.content());
        } else {
            msg.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
            msg.setBody(json.writeValueAsBytes(reply.body()));
        }
    }
}
