package dev.botops.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatcherTest {

    @Test
    void aBurstOfItemsIsOneUiUpdateWithEveryItemInOrder() {
        List<Runnable> scheduled = new ArrayList<>();
        List<List<Integer>> applied = new ArrayList<>();
        Batcher<Integer> batcher = new Batcher<>(scheduled::add, applied::add);
        for (int i = 1; i <= 100; i++) {
            batcher.add(i);
        }
        assertThat(scheduled).hasSize(1);
        scheduled.get(0).run();
        assertThat(applied).hasSize(1);
        assertThat(applied.get(0)).hasSize(100).startsWith(1, 2, 3).endsWith(100);
    }

    @Test
    void itemsAddedAfterTheUpdateRanComeInTheNextUpdate() {
        List<Runnable> scheduled = new ArrayList<>();
        List<List<Integer>> applied = new ArrayList<>();
        Batcher<Integer> batcher = new Batcher<>(scheduled::add, applied::add);
        batcher.add(1);
        scheduled.get(0).run();
        batcher.add(2);
        batcher.add(3);
        scheduled.get(1).run();
        assertThat(applied).containsExactly(List.of(1), List.of(2, 3));
    }
}
