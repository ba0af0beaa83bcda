package dev.botops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdaptiveBatchSizeTest {
    private static final Duration TARGET = Duration.ofMillis(50);

    @Test
    void fastFullBatchesGrowAtMostTwofold() {
        AdaptiveBatchSize sizes = new AdaptiveBatchSize(1000, TARGET);
        sizes.observe(1000, 1000, Duration.ofMillis(5));

        assertThat(sizes.size()).isEqualTo(2000);
    }

    @Test
    void slowBatchesShrinkTowardsTheTarget() {
        AdaptiveBatchSize sizes = new AdaptiveBatchSize(1000, TARGET);
        sizes.observe(1000, 1000, Duration.ofMillis(80));

        assertThat(sizes.size()).isEqualTo(625);
    }

    @Test
    void shortFinalBatchDoesNotGrowTheSize() {
        AdaptiveBatchSize sizes = new AdaptiveBatchSize(1000, TARGET);
        sizes.observe(10, 1000, Duration.ofMillis(1));

        assertThat(sizes.size()).isEqualTo(1000);
    }

    @Test
    void sizeStaysWithinItsBounds() {
        AdaptiveBatchSize sizes = new AdaptiveBatchSize(150, TARGET);
        sizes.observe(150, 150, Duration.ofSeconds(10));
        sizes.timedOut();

        assertThat(sizes.size()).isEqualTo(AdaptiveBatchSize.MIN);
    }
}
