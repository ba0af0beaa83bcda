package dev.botops.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    @Test
    void aBurstOfPublicationsIsOneUiUpdateWithTheNewestValue() {
        List<Runnable> scheduled = new ArrayList<>();
        List<Integer> applied = new ArrayList<>();
        Coalescer<Integer> coalescer = new Coalescer<>(scheduled::add, applied::add);
        for (int i = 1; i <= 1000; i++) {
            coalescer.publish(i);
        }
        assertThat(scheduled).hasSize(1);
        scheduled.get(0).run();
        assertThat(applied).containsExactly(1000);
    }

    @Test
    void aPublicationAfterTheUpdateRanSchedulesAnotherOne() {
        List<Runnable> scheduled = new ArrayList<>();
        List<Integer> applied = new ArrayList<>();
        Coalescer<Integer> coalescer = new Coalescer<>(scheduled::add, applied::add);
        coalescer.publish(1);
        scheduled.get(0).run();
        coalescer.publish(2);
        assertThat(scheduled).hasSize(2);
        scheduled.get(1).run();
        assertThat(applied).containsExactly(1, 2);
    }
}
