package dev.botops.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteTicksTest {
    private static final long MB = 1024L * 1024;
    private static final long GB = 1024 * MB;

    @Test
    void stepIsTheSmallestRoundBinaryStepThatCoversTheMaximumInTheStepsAllowed() {
        assertThat(ByteTicks.step(26 * MB, 14)).isEqualTo(2 * MB);
        assertThat(ByteTicks.step(26 * MB, 12)).isEqualTo(5 * MB);
        assertThat(ByteTicks.step(26 * MB, 2)).isEqualTo(20 * MB);
        assertThat(ByteTicks.step(3 * GB, 4)).isEqualTo(GB);
    }

    @Test
    void stepOfAnEmptyChartIsOneByte() {
        assertThat(ByteTicks.step(0, 5)).isEqualTo(1);
    }

    @Test
    void everyTickOfARoundStepIsWrittenWithoutDecimals() {
        long step = ByteTicks.step(26 * MB, 6);

        for (long tick = 0; tick <= 30 * MB; tick += step) {
            assertThat(Formats.bytes(tick)).doesNotContain(".");
        }
    }
}
