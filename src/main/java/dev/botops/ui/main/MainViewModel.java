package dev.botops.ui.main;

import dev.botops.config.ConfigKey;
import dev.botops.config.LiveSettings;
import dev.botops.config.SettingsStore;
import dev.botops.ui.common.TaskExecutor;
import java.util.Map;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/** The frame around the screens: theme (remembered in the config file), the critical-alert banner, the status line. */
public final class MainViewModel {
    private final LiveSettings live;
    private final SettingsStore store;
    private final TaskExecutor tasks;
    private final ReadOnlyObjectWrapper<ConfigKey.Theme> theme = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper banner = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");

    public MainViewModel(LiveSettings live, SettingsStore store, TaskExecutor tasks, String connection) {
        this.live = live;
        this.store = store;
        this.tasks = tasks;
        this.theme.set(live.current().choice(ConfigKey.UI_THEME, ConfigKey.Theme.class));
        this.status.set("Connected to " + connection);
    }

    public ReadOnlyObjectProperty<ConfigKey.Theme> theme() {
        return theme.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty banner() {
        return banner.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty status() {
        return status.getReadOnlyProperty();
    }

    /** Switches light/dark at once and remembers the choice in the config file (in the background). */
    public void toggleTheme() {
        ConfigKey.Theme next = theme.get() == ConfigKey.Theme.LIGHT ? ConfigKey.Theme.DARK : ConfigKey.Theme.LIGHT;
        theme.set(next);
        String value = next.name().toLowerCase(java.util.Locale.ROOT);
        tasks.run("save theme", () -> store.save(live.current(), Map.of(ConfigKey.UI_THEME.property(), value)),
                live::update, error -> status.set("Could not remember the theme: " + error.getMessage()));
    }

    /** Shows (non-empty) or hides (empty) the critical-alert banner. */
    public void showBanner(String text) {
        banner.set(text == null ? "" : text);
    }

    public void showStatus(String text) {
        status.set(text);
    }
}
