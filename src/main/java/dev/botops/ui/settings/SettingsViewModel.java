package dev.botops.ui.settings;

import dev.botops.config.ConfigException;
import dev.botops.config.ConfigKey;
import dev.botops.config.LiveSettings;
import dev.botops.config.Settings;
import dev.botops.config.SettingsStore;
import dev.botops.ui.common.TaskExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The settings form: one field per editable key, validated exactly like the config file (the same
 * {@link Settings} rules), saved to the config file only when every value is valid. Secrets are never shown:
 * their field starts empty and an empty secret field keeps the current value.
 */
public final class SettingsViewModel {

    /** One editable setting. {@code input} is what the operator typed; {@code error} is shown next to it. */
    public static final class Field {
        private final ConfigKey key;
        private final String group;
        private final String label;
        private final StringProperty input = new SimpleStringProperty("");
        private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");

        Field(ConfigKey key, String group, String label) {
            this.key = key;
            this.group = group;
            this.label = label;
        }

        public ConfigKey key() {
            return key;
        }

        public String group() {
            return group;
        }

        public String label() {
            return label;
        }

        public boolean secret() {
            return key.secret() && key != ConfigKey.DATABASE_URL;
        }

        public boolean needsRestart() {
            return LiveSettings.RESTART_REQUIRED.contains(key);
        }

        public String help() {
            return key.description() + " " + key.type().allowed();
        }

        public StringProperty input() {
            return input;
        }

        public ReadOnlyStringProperty error() {
            return error.getReadOnlyProperty();
        }
    }

    private final LiveSettings live;
    private final SettingsStore store;
    private final TaskExecutor tasks;
    private final List<Field> fields = new ArrayList<>();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper saving = new ReadOnlyBooleanWrapper(false);

    public SettingsViewModel(LiveSettings live, SettingsStore store, TaskExecutor tasks) {
        this.live = live;
        this.store = store;
        this.tasks = tasks;
        add(ConfigKey.STORAGE_QUOTA, "Limits", "Storage quota");
        add(ConfigKey.CONNECTION_CAP, "Limits", "Connection cap (0 = none)");
        add(ConfigKey.ALERT_STORAGE_WARNING, "Alert thresholds", "Storage warning %");
        add(ConfigKey.ALERT_STORAGE_CRITICAL, "Alert thresholds", "Storage critical %");
        add(ConfigKey.ALERT_CONNECTIONS_WARNING, "Alert thresholds", "Connections warning %");
        add(ConfigKey.ALERT_CONNECTIONS_CRITICAL, "Alert thresholds", "Connections critical %");
        add(ConfigKey.ALERT_FORECAST_WARNING_DAYS, "Alert thresholds", "Days until full: warning");
        add(ConfigKey.ALERT_FORECAST_CRITICAL_DAYS, "Alert thresholds", "Days until full: critical");
        add(ConfigKey.MAINTENANCE_DAILY_AT, "Schedule", "Daily full maintenance at");
        add(ConfigKey.MAINTENANCE_QUICK_EVERY, "Schedule", "Quick cleanup every");
        add(ConfigKey.MAINTENANCE_HEALTH_EVERY, "Schedule", "Health check every");
        add(ConfigKey.HTTP_BIND, "Health endpoint", "Address");
        add(ConfigKey.HTTP_PORT, "Health endpoint", "Port");
        add(ConfigKey.HTTP_TOKEN, "Health endpoint", "Token for cleanup/vacuum");
        add(ConfigKey.BOT_TOKEN, "Telegram bot", "Bot token");
        add(ConfigKey.BOT_ADMIN_CHATS, "Telegram bot", "Admin chat ids");
        add(ConfigKey.POOL_SIZE, "Database", "Connection pool size");
        reload();
    }

    private void add(ConfigKey key, String group, String label) {
        fields.add(new Field(key, group, label));
    }

    /** Fills the form from the current settings (secrets left empty). */
    public void reload() {
        Settings current = live.current();
        for (Field f : fields) {
            f.input.set(f.secret() ? "" : current.raw(f.key));
            f.error.set("");
        }
    }

    public List<Field> fields() {
        return List.copyOf(fields);
    }

    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty saving() {
        return saving.getReadOnlyProperty();
    }

    /** Placeholder text for a secret field: whether a value is set, never the value. */
    public String secretPrompt(Field field) {
        String raw = live.current().raw(field.key);
        return raw == null || raw.isEmpty() ? "not set" : "set (leave empty to keep)";
    }

    /** Validates and saves the changed fields; errors appear next to their fields and nothing is written. */
    public void save() {
        Settings current = live.current();
        Map<String, String> changes = new LinkedHashMap<>();
        for (Field f : fields) {
            f.error.set("");
            String typed = f.input.get() == null ? "" : f.input.get().trim();
            if (f.secret()) {
                if (!typed.isEmpty()) {
                    changes.put(f.key.property(), typed);
                }
            } else if (!typed.equals(current.raw(f.key))) {
                changes.put(f.key.property(), typed);
            }
        }
        if (changes.isEmpty()) {
            message.set("Nothing to save.");
            return;
        }
        try {
            current.with(changes); // validate on the UI thread: pure, no I/O
        } catch (ConfigException e) {
            showError(e);
            return;
        }
        saving.set(true);
        message.set("Saving…");
        tasks.run("save settings", () -> store.save(current, changes), saved -> {
            saving.set(false);
            live.update(saved);
            List<String> restart = fields.stream().filter(f -> changes.containsKey(f.key.property()) && f.needsRestart())
                    .map(f -> f.label).collect(Collectors.toList());
            message.set("Saved " + changes.size() + " setting(s) to " + store.file()
                    + (restart.isEmpty() ? "." : ". Takes effect after a restart: " + String.join(", ", restart) + "."));
            reload();
        }, error -> {
            saving.set(false);
            if (error instanceof ConfigException) {
                showError((ConfigException) error);
            } else {
                message.set("Could not save: " + error.getMessage());
            }
        });
    }

    private void showError(ConfigException e) {
        boolean placed = false;
        for (Field f : fields) {
            if (f.key.property().equals(e.key())) {
                f.error.set(e.getMessage());
                placed = true;
            }
        }
        message.set(placed ? "Not saved: fix the field marked in red." : "Not saved: " + e.getMessage());
    }
}
