package dev.botops.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.Group;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;

/** Writes a scene as a PNG (headless Monocle renders it correctly; copied pixel by pixel, no javafx.swing). */
public final class Screenshots {
    private Screenshots() {
    }

    /** Call on the FX thread. */
    public static void save(Scene scene, Path file) throws IOException {
        WritableImage image = scene.snapshot(null);
        int width = (int) image.getWidth();
        int height = (int) image.getHeight();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        PixelReader reader = image.getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out.setRGB(x, y, reader.getArgb(x, y));
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(out, "png", file.toFile());
    }

    /**
     * Saves a shown scene's content at another size (taller than the screen, so that no scrolling hides part of a
     * screen): the root moves to an offscreen scene for the snapshot and back. Call on the FX thread.
     */
    public static void saveResized(Scene shown, double width, double height, Path file) throws IOException {
        Parent root = shown.getRoot();
        shown.setRoot(new Group());
        try {
            Scene resized = new Scene(root, width, height);
            save(resized, file);
            resized.setRoot(new Group());
        } finally {
            shown.setRoot(root);
        }
    }
}
