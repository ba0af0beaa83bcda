package dev.botops.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.config.Sizes;
import org.junit.jupiter.api.Test;

class FormatsTest {
    @Test
    void middleEllipsisKeepsTheStartAndTheEndOfALongText() {
        String label = Formats.middleEllipsis("reporting.customer_order_line_items_archive_2024_q1", 28);

        assertThat(label).hasSize(28).isEqualTo("reporting.cust…chive_2024_q1");
    }

    @Test
    void middleEllipsisLeavesAShortTextAlone() {
        assertThat(Formats.middleEllipsis("price_ticks", 28)).isEqualTo("price_ticks");
    }

    @Test
    void tickLabelsOfANearlyFlatRangeTellNeighboursApart() {
        long base = 8_819_000;
        assertThat(Sizes.format(base, 20 * 1024)).isEqualTo("8.41 MB");
        assertThat(Sizes.format(base + 20 * 1024, 20 * 1024)).isEqualTo("8.43 MB");
        assertThat(Sizes.format(base, 512)).isEqualTo("8.410 MB");
    }

    @Test
    void tickLabelsOfAWideRangeKeepTheCompactForm() {
        assertThat(Sizes.format(5L * 1024 * 1024, 5L * 1024 * 1024)).isEqualTo("5 MB");
        assertThat(Sizes.format(5_033_165, 5_033_165)).isEqualTo("4.8 MB");
        assertThat(Sizes.format(512, 100)).isEqualTo("512 B");
        assertThat(Sizes.format(1536)).isEqualTo("1.5 KB");
    }
}
