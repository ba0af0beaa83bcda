package dev.botops.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.ui.common.Downsampler.Point;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownsamplerTest {

    @Test
    void thirtyDaysOfMinutesShrinkToTheThresholdKeepingEndsAndPeaks() {
        List<Point> data = new ArrayList<>();
        int n = 30 * 24 * 60;
        for (int i = 0; i < n; i++) {
            data.add(new Point(i, i == 20_000 ? 1_000 : Math.sin(i / 500.0)));
        }
        List<Point> sampled = Downsampler.lttb(data, 1600);
        assertThat(sampled).hasSize(1600);
        assertThat(sampled.get(0)).isEqualTo(data.get(0));
        assertThat(sampled.get(sampled.size() - 1)).isEqualTo(data.get(n - 1));
        assertThat(sampled).contains(data.get(20_000));
        for (int i = 1; i < sampled.size(); i++) {
            assertThat(sampled.get(i).x()).isGreaterThan(sampled.get(i - 1).x());
        }
    }

    @Test
    void shortSeriesAreReturnedUnchanged() {
        List<Point> data = List.of(new Point(1, 1), new Point(2, 5), new Point(3, 2));
        assertThat(Downsampler.lttb(data, 100)).isEqualTo(data);
    }
}
