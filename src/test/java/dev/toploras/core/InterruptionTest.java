package dev.toploras.core;

import dev.toploras.core.Interruption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class InterruptionTest {
    @Test
    void should_refuse_the_write_after_a_ctrl_c_and_say_the_work_is_not_done() {
        Interruption i = new Interruption();
        assertThat(i.request()).isTrue();
        AtomicBoolean wrote = new AtomicBoolean();
        assertThatThrownBy(() -> i.commit(() -> wrote.set(true))).isInstanceOf(Interruption.InterruptedWorkException.class);
        assertThat(wrote).isFalse();
    }

    @Test
    void should_let_a_command_whose_write_ran_finish_after_a_ctrl_c() {
        Interruption i = new Interruption();
        AtomicBoolean wrote = new AtomicBoolean();
        i.commit(() -> wrote.set(true));
        assertThat(wrote).isTrue();
        assertThat(i.request()).as("the work is done: no 130").isFalse();
    }
}
