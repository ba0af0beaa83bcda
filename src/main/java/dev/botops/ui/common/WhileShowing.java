package dev.botops.ui.common;

import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.value.ObservableValue;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Window;
import javafx.util.Duration;

/**
 * Repeats an action on the FX thread while a node is on screen (in a scene of a showing window): a screen
 * that refreshes itself stops when the operator switches to another screen or closes the window.
 */
public final class WhileShowing {
    private final Timeline timeline;
    // Kept so the lazily evaluated binding and its listener live as long as this object.
    private final ObservableValue<Boolean> showing;

    private WhileShowing(Node node, Duration every, Runnable action) {
        this.timeline = new Timeline(new KeyFrame(every, e -> action.run()));
        timeline.setCycleCount(Animation.INDEFINITE);
        this.showing = node.sceneProperty().flatMap(Scene::windowProperty).flatMap(Window::showingProperty).orElse(false);
        showing.addListener((obs, was, is) -> {
            if (is) {
                action.run();
                timeline.play();
            } else {
                timeline.stop();
            }
        });
        if (showing.getValue()) {
            timeline.play();
        }
    }

    /** Runs {@code action} at once whenever the node comes on screen, then every {@code every} while it stays there. */
    public static WhileShowing repeat(Node node, Duration every, Runnable action) {
        return new WhileShowing(node, every, action);
    }

    public void stop() {
        timeline.stop();
    }
}
