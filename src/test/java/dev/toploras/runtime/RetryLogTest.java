package dev.toploras.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class RetryLogTest {
    @Test
    void should_name_a_dns_failure_on_every_retry_even_when_the_cached_failure_carries_only_the_host() {
        // the first lookup's message, then what the JDK's negative cache gives retries 2 and 3
        String first = RetryLog.reason(new UnknownHostException("www.modelscope.cn: Name or service not known"));
        String cached = RetryLog.reason(new RuntimeException("wrapped", new UnknownHostException("www.modelscope.cn")));
        assertThat(first).isEqualTo(cached).contains("unknown host www.modelscope.cn", "does not resolve");
    }
}
