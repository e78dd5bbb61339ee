package dev.toploras.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobStatusTest {
    @Test
    void should_allow_only_the_moves_of_the_table() {
        assertThat(JobStatus.QUEUED.moveTo(JobStatus.RUNNING)).isEqualTo(JobStatus.RUNNING);
        assertThat(JobStatus.QUEUED.canMoveTo(JobStatus.CANCELLED)).isTrue();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.SUCCEEDED)).isTrue();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.FAILED)).isTrue();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.CANCELLED)).isTrue();
        assertThat(JobStatus.QUEUED.canMoveTo(JobStatus.SUCCEEDED)).isFalse();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.QUEUED)).isFalse();
    }

    @Test
    void should_throw_on_leaving_a_terminal_status() {
        for (JobStatus done : new JobStatus[] {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}) {
            assertThat(done.isTerminal()).isTrue();
            assertThatThrownBy(() -> done.moveTo(JobStatus.RUNNING))
                    .isInstanceOf(IllegalJobTransitionException.class)
                    .hasMessageContaining(done.wire());
        }
    }
}
