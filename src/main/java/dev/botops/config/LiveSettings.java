package dev.botops.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The current settings of a running app. The settings screen replaces them after saving; services that can
 * adapt without a restart (quota, alert thresholds, schedule) read {@link #current()} on each use or listen.
 * Keys that need a restart (pool size, ports, database URL) are listed in {@link #RESTART_REQUIRED}.
 */
public final class LiveSettings {
    public static final List<ConfigKey> RESTART_REQUIRED = List.of(
            ConfigKey.DATABASE_URL, ConfigKey.DATABASE_USER, ConfigKey.DATABASE_PASSWORD, ConfigKey.POOL_SIZE,
            ConfigKey.CONNECT_TIMEOUT, ConfigKey.SOCKET_TIMEOUT, ConfigKey.IDLE_TIMEOUT, ConfigKey.MAX_LIFETIME,
            ConfigKey.EMBEDDED_DIR, ConfigKey.EMBEDDED_PORT, ConfigKey.HTTP_ENABLED, ConfigKey.HTTP_BIND,
            ConfigKey.HTTP_PORT, ConfigKey.HTTP_THREADS, ConfigKey.BOT_TOKEN, ConfigKey.BOT_API_URL, ConfigKey.DATA_DIR,
            ConfigKey.INSTANCE_NAME, ConfigKey.MONITOR_INTERVAL, ConfigKey.MONITOR_HISTORY_SIZE);

    private final AtomicReference<Settings> current;
    private final List<Consumer<Settings>> listeners = new CopyOnWriteArrayList<>();

    public LiveSettings(Settings initial) {
        this.current = new AtomicReference<>(initial);
    }

    public Settings current() {
        return current.get();
    }

    public void update(Settings settings) {
        current.set(settings);
        for (Consumer<Settings> listener : listeners) {
            listener.accept(settings);
        }
    }

    public void addListener(Consumer<Settings> listener) {
        listeners.add(listener);
    }
}
