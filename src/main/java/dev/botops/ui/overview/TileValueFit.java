package dev.botops.ui.overview;

import java.util.List;
import java.util.Locale;
import javafx.scene.control.Label;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;

/**
 * Keeps the tiles' big values on one line in a narrow window: all of them step down to the largest size at
 * which every value fits its tile, so the row stays even. Below the last step a value wraps (its label wraps
 * text) rather than being cut to "None a…". Sizes are measured with the label's own font family, so the
 * outcome follows the platform's fonts rather than a guessed window width.
 */
final class TileValueFit {
    /** The stylesheet's size first ({@code .tile-value} in main/dashboard.css), then the steps down. */
    private static final List<Double> SIZES = List.of(22.0, 19.0, 16.0);

    private final List<Label> values;
    private final Text probe = new Text();
    private double applied = SIZES.get(0);

    private TileValueFit(List<Label> values) {
        this.values = List.copyOf(values);
    }

    /** Fits the values now and whenever a tile's width or a value changes. */
    static void attach(List<Label> values) {
        TileValueFit fit = new TileValueFit(values);
        for (Label value : fit.values) {
            value.widthProperty().addListener(o -> fit.refit());
            value.textProperty().addListener(o -> fit.refit());
        }
        fit.refit();
    }

    private void refit() {
        double size = SIZES.get(SIZES.size() - 1);
        for (double candidate : SIZES) {
            if (values.stream().allMatch(value -> fits(value, candidate))) {
                size = candidate;
                break;
            }
        }
        if (size != applied) {
            applied = size;
            // Inline style: it wins over the stylesheet's size and leaves the tone classes' colours alone.
            String style = String.format(Locale.ROOT, "-fx-font-size: %.0fpx;", size);
            values.forEach(value -> value.setStyle(style));
        }
    }

    private boolean fits(Label value, double size) {
        double available = value.getWidth() - value.snappedLeftInset() - value.snappedRightInset();
        if (available <= 0) {
            return true; // not laid out yet
        }
        probe.setFont(Font.font(value.getFont().getFamily(), FontWeight.BOLD, size));
        probe.setText(value.getText());
        return probe.getLayoutBounds().getWidth() <= available;
    }
}
