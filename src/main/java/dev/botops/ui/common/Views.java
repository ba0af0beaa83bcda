package dev.botops.ui.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

/** Loads {@code Xxx.fxml} beside its view class, with the given view instance as its controller. */
public final class Views {
    private Views() {
    }

    public static Parent load(Object view, String fxml) {
        URL url = view.getClass().getResource(fxml);
        if (url == null) {
            throw new IllegalStateException("missing FXML " + fxml + " beside " + view.getClass().getName());
        }
        FXMLLoader loader = new FXMLLoader(url);
        loader.setController(view);
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + fxml, e);
        }
    }
}
