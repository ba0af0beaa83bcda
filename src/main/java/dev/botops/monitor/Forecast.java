package dev.botops.monitor;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When the storage quota will be full, from a least-squares line through the persisted samples of the
 * forecast window, with the honest answers when there is no such day.
 *
 * @param daysUntilFull days from now until the quota is full; {@code null} unless {@link Outcome#GROWING}
 * @param bytesPerDay   the fitted growth (negative when shrinking); 0 without enough data
 * @param samples       samples the fit used
 * @param span          time between the first and the last of them
 * @param topGrowing    the tables that grew most over the window, fastest first
 */
public record Forecast(Outcome outcome, Double daysUntilFull, double bytesPerDay, int samples, Duration span,
                       List<TableGrowth> topGrowing) {
    /** A fit needs at least this many samples, */
    static final int MIN_SAMPLES = 10;
    /** spanning at least a day (half the window when that is shorter), so a daily cycle is not taken for growth. */
    static final Duration MIN_SPAN = Duration.ofDays(1);

    /** What the forecast can say. */
    public enum Outcome {
        /** Growing: {@code daysUntilFull} says when the quota is full. */
        GROWING,
        /** Flat or shrinking over the window: no day. */
        NOT_GROWING,
        /** Too few samples, or over too short a time, to tell yet. */
        NOT_ENOUGH_DATA
    }

    public Forecast {
        topGrowing = List.copyOf(topGrowing);
    }

    /**
     * The forecast from a least-squares fit.
     *
     * @param slopeBytesPerSecond the fitted slope; ignored when there are too few samples
     * @param currentBytes        the database size now
     */
    public static Forecast fromFit(Duration window, int samples, Duration span, double slopeBytesPerSecond,
                                   long currentBytes, long quotaBytes, List<TableGrowth> topGrowing) {
        Duration minSpan = MIN_SPAN.compareTo(window.dividedBy(2)) < 0 ? MIN_SPAN : window.dividedBy(2);
        if (samples < MIN_SAMPLES || span.compareTo(minSpan) < 0 || Double.isNaN(slopeBytesPerSecond)) {
            return new Forecast(Outcome.NOT_ENOUGH_DATA, null, 0, samples, span, topGrowing);
        }
        double bytesPerDay = slopeBytesPerSecond * 86_400;
        if (bytesPerDay <= 0) {
            return new Forecast(Outcome.NOT_GROWING, null, bytesPerDay, samples, span, topGrowing);
        }
        double days = Math.max(0, (quotaBytes - currentBytes) / bytesPerDay);
        return new Forecast(Outcome.GROWING, days, bytesPerDay, samples, span, topGrowing);
    }

    /**
     * How much a table grew over the window: from its first daily point in the window to its size now.
     *
     * @param since when the first point was taken
     */
    public record TableGrowth(String schema, String name, long bytesThen, long bytesNow, Instant since, double bytesPerDay) {
        @JsonProperty
        public long growthBytes() {
            return bytesNow - bytesThen;
        }
    }
}
