package dev.botops.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Per-user directories as each OS expects them: XDG on Linux, AppData on Windows, Application Support on macOS. */
public final class AppPaths {
    private static final String APP = "botops";

    private AppPaths() {
    }

    public static Path defaultDataDir(Map<String, String> env) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path home = Path.of(System.getProperty("user.home"));
        if (os.contains("win")) {
            String localAppData = env.get("LOCALAPPDATA");
            return (localAppData != null ? Path.of(localAppData) : home.resolve("AppData").resolve("Local")).resolve("BotOps");
        }
        if (os.contains("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("BotOps");
        }
        String xdg = env.get("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local").resolve("share")).resolve(APP);
    }

    public static Path defaultConfigFile(Map<String, String> env) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path home = Path.of(System.getProperty("user.home"));
        if (os.contains("win")) {
            String appData = env.get("APPDATA");
            return (appData != null ? Path.of(appData) : home.resolve("AppData").resolve("Roaming"))
                    .resolve("BotOps").resolve("botops.properties");
        }
        if (os.contains("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("BotOps").resolve("botops.properties");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config")).resolve(APP).resolve("botops.properties");
    }
}
