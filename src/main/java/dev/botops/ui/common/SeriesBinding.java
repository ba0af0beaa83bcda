package dev.botops.ui.common;

import dev.botops.ui.common.Downsampler.Point;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.chart.XYChart;

/**
 * Mirrors a view model's list of points into a chart series change by change, so a live update that appends
 * one point and drops one from the front touches two data items instead of rebuilding the whole series.
 */
public final class SeriesBinding {
    private SeriesBinding() {
    }

    public static void bind(ObservableList<Point> points, XYChart.Series<Number, Number> series) {
        series.getData().setAll(toData(points));
        points.addListener((ListChangeListener<Point>) change -> {
            ObservableList<XYChart.Data<Number, Number>> data = series.getData();
            while (change.next()) {
                if (change.wasPermutated() || change.wasUpdated()) {
                    data.setAll(toData(change.getList()));
                    return;
                }
                if (change.wasRemoved()) {
                    data.remove(change.getFrom(), change.getFrom() + change.getRemovedSize());
                }
                if (change.wasAdded()) {
                    data.addAll(change.getFrom(), toData(change.getAddedSubList()));
                }
            }
        });
    }

    private static List<XYChart.Data<Number, Number>> toData(List<? extends Point> points) {
        List<XYChart.Data<Number, Number>> data = new ArrayList<>(points.size());
        for (Point p : points) {
            data.add(new XYChart.Data<>(p.x(), p.y()));
        }
        return data;
    }
}
