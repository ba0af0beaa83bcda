package dev.botops.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class AppIconsTest {
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        AppIcons.applyTo(stage);
    }

    @Test
    void windowCarriesTheAppIconInEverySizeFrom16To512() {
        assertThat(stage.getIcons()).noneMatch(Image::isError);
        assertThat(stage.getIcons()).extracting(image -> (int) image.getWidth()).containsExactlyElementsOf(AppIcons.SIZES);
        assertThat(stage.getIcons()).allMatch(image -> image.getWidth() == image.getHeight());
    }

    @Test
    void windowIconsAreTheFilesRenderedFromTheSvgSource() throws IOException {
        // icons/render.sh writes both; a hand-edited copy on one side only would show a stale icon.
        for (int size : AppIcons.SIZES) {
            try (InputStream bundled = AppIcons.class.getResourceAsStream("icons/botops-" + size + ".png")) {
                assertThat(bundled).as("icon %d px", size)
                        .hasBinaryContent(Files.readAllBytes(Path.of("icons", "png", "botops-" + size + ".png")));
            }
        }
    }
}
