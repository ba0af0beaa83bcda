package dev.botops.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

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
}
