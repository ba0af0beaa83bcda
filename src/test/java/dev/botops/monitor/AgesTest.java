package dev.botops.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgesTest {
    @Test
    void agesShowTheTwoMostSignificantUnits() {
        assertThat(Ages.format(Duration.ofDays(3).plusHours(4).plusMinutes(5))).isEqualTo("3d 4h");
        assertThat(Ages.format(Duration.ofHours(2).plusMinutes(7).plusSeconds(9))).isEqualTo("2h 7m");
        assertThat(Ages.format(Duration.ofMinutes(12).plusSeconds(5))).isEqualTo("12m 5s");
        assertThat(Ages.format(Duration.ofSeconds(42))).isEqualTo("42s");
    }

    @Test
    void agesBelowASecondShowMillisecondsAndNothingShowsZeroSeconds() {
        assertThat(Ages.format(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(Ages.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Ages.format(null)).isEqualTo("-");
    }
}
