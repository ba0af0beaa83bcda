package dev.botops.ui.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Largest-Triangle-Three-Buckets (Steinarsson, 2013): keeps the visual shape of a long series with a fixed
 * number of points, so a 30-day chart at one-minute resolution draws as fast as a one-hour one.
 */
public final class Downsampler {
    private Downsampler() {
    }

    /** A point of a series: x (e.g. epoch seconds) and y. */
    public record Point(double x, double y) {
    }

    /** At most {@code threshold} points; the first and last are always kept. Input must be sorted by x. */
    public static List<Point> lttb(List<Point> data, int threshold) {
        int n = data.size();
        if (threshold >= n || threshold < 3) {
            return List.copyOf(data);
        }
        List<Point> sampled = new ArrayList<>(threshold);
        double every = (double) (n - 2) / (threshold - 2);
        int a = 0;
        sampled.add(data.get(0));
        for (int i = 0; i < threshold - 2; i++) {
            int avgStart = (int) Math.floor((i + 1) * every) + 1;
            int avgEnd = Math.min((int) Math.floor((i + 2) * every) + 1, n);
            double avgX = 0;
            double avgY = 0;
            for (int j = avgStart; j < avgEnd; j++) {
                avgX += data.get(j).x();
                avgY += data.get(j).y();
            }
            int avgLength = Math.max(1, avgEnd - avgStart);
            avgX /= avgLength;
            avgY /= avgLength;

            int rangeStart = (int) Math.floor(i * every) + 1;
            int rangeEnd = (int) Math.floor((i + 1) * every) + 1;
            Point pa = data.get(a);
            double maxArea = -1;
            int next = rangeStart;
            for (int j = rangeStart; j < rangeEnd; j++) {
                Point p = data.get(j);
                double area = Math.abs((pa.x() - avgX) * (p.y() - pa.y()) - (pa.x() - p.x()) * (avgY - pa.y()));
                if (area > maxArea) {
                    maxArea = area;
                    next = j;
                }
            }
            sampled.add(data.get(next));
            a = next;
        }
        sampled.add(data.get(n - 1));
        return sampled;
    }
}
