package dev.botops.ui.main;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.botops.config.ConfigKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javafx.application.Application;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The frame: sidebar of screens, critical banner on top, status line at the bottom. Every screen is built
 * at start and kept in the scene, hidden ones invisible and unmanaged (no layout work while hidden, e.g.
 * when the banner appears): a visit then costs no FXML loading and no view-model start on the FX thread.
 */
public final class MainView {
    private final MainViewModel model;
    private final Map<String, Supplier<Node>> screens;
    private final Map<String, Node> built = new LinkedHashMap<>();
    private final StackPane stack = new StackPane();

    @FXML
    private BorderPane root;
    @FXML
    private VBox sidebar;
    @FXML
    private Label banner;
    @FXML
    private Label status;
    @FXML
    private Button themeButton;

    /** @param screens screen title to a factory of its view, in sidebar order */
    public MainView(MainViewModel model, Map<String, Supplier<Node>> screens) {
        this.model = model;
        this.screens = new LinkedHashMap<>(screens);
    }

    @FXML
    private void initialize() {
        for (Map.Entry<String, Supplier<Node>> screen : screens.entrySet()) {
            Node node = screen.getValue().get();
            node.setVisible(false);
            node.setManaged(false);
            stack.getChildren().add(node);
            built.put(screen.getKey(), node);
        }
        root.setCenter(stack);
        ToggleGroup group = new ToggleGroup();
        boolean first = true;
        for (String title : screens.keySet()) {
            ToggleButton button = new ToggleButton(title);
            button.setId("nav-" + title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
            button.setToggleGroup(group);
            button.setMaxWidth(Double.MAX_VALUE);
            button.getStyleClass().add("nav-button");
            button.setOnAction(e -> {
                button.setSelected(true);
                show(title);
            });
            sidebar.getChildren().add(button);
            if (first) {
                button.setSelected(true);
                show(title);
                first = false;
            }
        }
        banner.textProperty().bind(model.banner());
        banner.visibleProperty().bind(model.banner().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        status.textProperty().bind(model.status());
        applyTheme(model.theme().get());
        model.theme().addListener((obs, old, theme) -> applyTheme(theme));
        themeButton.setOnAction(e -> model.toggleTheme());
    }

    /** Shows a screen by its sidebar title. */
    public void show(String title) {
        built.forEach((name, node) -> {
            boolean shown = name.equals(title);
            node.setVisible(shown);
            node.setManaged(shown);
        });
    }

    private void applyTheme(ConfigKey.Theme theme) {
        Application.setUserAgentStylesheet(theme == ConfigKey.Theme.DARK
                ? new PrimerDark().getUserAgentStylesheet() : new PrimerLight().getUserAgentStylesheet());
        themeButton.setText(theme == ConfigKey.Theme.DARK ? "☀ Light" : "☾ Dark");
    }
}
