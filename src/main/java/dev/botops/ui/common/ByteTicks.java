package dev.botops.ui.common;

import javafx.scene.chart.NumberAxis;

/**
 * Ticks for a bytes axis that starts at zero: round binary steps ("0 B · 5 MB · 10 MB", which {@link Formats#bytes}
 * writes without decimals) and no more labels than the axis has room for. JavaFX's own auto-ranging picks decimal
 * steps ("2.4 MB · 4.8 MB · 7.2 MB") and, on a narrow chart, more labels than fit side by side.
 */
public final class ByteTicks {
    /** Room one tick label needs along the axis: "500 MB" plus a gap, in the charts' 11-12 px font. */
    public static final double LABEL_SPACING = 80;

    private static final long[] MULTIPLES = {1, 2, 5, 10, 20, 50, 100, 200, 500};
    private static final long KIB = 1024;

    private ByteTicks() {
    }

    /** The smallest round step that covers {@code maxBytes} in at most {@code maxSteps} steps. */
    public static long step(long maxBytes, int maxSteps) {
        long max = Math.max(1, maxBytes);
        int steps = Math.max(1, maxSteps);
        for (long unit = 1; unit > 0 && unit <= Long.MAX_VALUE / KIB; unit *= KIB) {
            for (long multiple : MULTIPLES) {
                long step = multiple * unit;
                if (ceilDiv(max, step) <= steps) {
                    return step;
                }
            }
        }
        return ceilDiv(max, steps);
    }

    /** Sets the axis to 0 … the first step at or above {@code maxBytes}, with as many steps as its length has room for. */
    public static void apply(NumberAxis axis, long maxBytes) {
        double length = axis.getSide() != null && axis.getSide().isVertical() ? axis.getHeight() : axis.getWidth();
        if (length <= 0) {
            return; // not laid out yet; the caller applies again when the axis gets its size
        }
        int maxSteps = Math.max(1, (int) (length / LABEL_SPACING));
        long step = step(maxBytes, maxSteps);
        axis.setAutoRanging(false);
        axis.setLowerBound(0);
        axis.setUpperBound((double) ceilDiv(Math.max(1, maxBytes), step) * step);
        axis.setTickUnit(step);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
