package dev.toploras.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.jsonvalidator.JsonValidationException;
import org.apache.camel.component.jsonvalidator.NoJsonBodyValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns any failure of an API route into {"error": {code, message, details}} with the code's status; no stack traces. */
public final class ApiErrorProcessor implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrorProcessor.class);
    private final ObjectMapper json;

    public ApiErrorProcessor(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Problem problem = problem(failure);
        ErrorCode code = ErrorCode.valueOf(problem.code().toUpperCase(java.util.Locale.ROOT));
        if (code == ErrorCode.INTERNAL_ERROR) {
            LOG.error("API request failed", failure);
            problem = Problem.of(code, "internal error; the server log has the details");
        }
        ApiReplyProcessor.write(exchange.getMessage(), new ApiReply(code.httpStatus(), Map.of("error", problem),
                Map.of()), json);
    }

    static Problem problem(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof ApiException api) {
                return Problem.of(api.code(), api.getMessage(), api.details());
            }
            if (c instanceof Problem.Carrier carrier) {
                return carrier.problem();
            }
            if (c instanceof NoJsonBodyValidationException) {
                return Problem.of(ErrorCode.INVALID_REQUEST, "the request has no body: send the JSON document as "
                        + "the body, with 'Content-Type: application/json'", Map.of("field", "$"));
            }
            if (c instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
                return Problem.of(ErrorCode.INVALID_REQUEST, "the body is not one JSON document: "
                        + j.getOriginalMessage() + dev.toploras.core.Json.where(j), Map.of("field", "$"));
            }
            if (c instanceof JsonValidationException v && !v.getErrors().isEmpty()) {
                Map<String, Object> details = new LinkedHashMap<>();
                List<String> errors = v.getErrors().stream().map(Object::toString).sorted().toList();
                details.put("errors", errors);
                return Problem.of(ErrorCode.INVALID_REQUEST, "the request does not match its JSON Schema: "
                        + String.join("; ", errors), details);
            }
        }
        if (failure instanceof JsonValidationException) {
            return Problem.of(ErrorCode.INVALID_REQUEST, "the body is not valid JSON", Map.of("field", "$"));
        }
        return failure == null ? Problem.of(ErrorCode.INTERNAL_ERROR, "unknown failure") : Problem.from(failure);
    }
}
