package dev.botops.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.image.Image;
import javafx.stage.Stage;

/**
 * The app icon in every size the window system may ask for (rendered from {@code icons/botops.svg} by
 * {@code icons/render.sh}); the window manager picks the best fit for the title bar, task bar and switcher.
 */
public final class AppIcons {
    public static final List<Integer> SIZES = List.of(16, 24, 32, 48, 64, 128, 256, 512);

    private AppIcons() {
    }

    /** Sets the icons of a window; call on the FX thread. */
    public static void applyTo(Stage stage) {
        stage.getIcons().setAll(load());
    }

    static List<Image> load() {
        List<Image> images = new ArrayList<>(SIZES.size());
        for (int size : SIZES) {
            String resource = "icons/botops-" + size + ".png";
            try (InputStream in = AppIcons.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("Missing icon resource " + resource);
                }
                images.add(new Image(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read icon resource " + resource, e);
            }
        }
        return images;
    }
}
