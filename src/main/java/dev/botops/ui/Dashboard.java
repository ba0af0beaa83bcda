package dev.botops.ui;

import dev.botops.app.AppContext;
import dev.botops.ui.bot.BotView;
import dev.botops.ui.bot.BotViewModel;
import dev.botops.ui.common.TaskExecutor;
import dev.botops.ui.common.Views;
import dev.botops.ui.main.MainView;
import dev.botops.ui.main.MainViewModel;
import dev.botops.ui.maintenance.MaintenanceView;
import dev.botops.ui.maintenance.MaintenanceViewModel;
import dev.botops.ui.sandbox.SandboxChatView;
import dev.botops.ui.sandbox.SandboxChatViewModel;
import dev.botops.ui.settings.SettingsView;
import dev.botops.ui.settings.SettingsViewModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Parent;

/** Builds the dashboard's views and view models from the running services (the UI's part of the composition root). */
public final class Dashboard {
    private final MainViewModel main;
    private final MainView mainView;
    private final Parent root;

    public Dashboard(AppContext context, TaskExecutor tasks) {
        this.main = new MainViewModel(context.liveSettings(), context.settingsStore(), tasks,
                context.database().target().display() + " · schema " + context.schemaVersion());
        Map<String, Supplier<Node>> screens = new LinkedHashMap<>();
        screens.put("Maintenance", () -> Views.load(new MaintenanceView(new MaintenanceViewModel(context.maintenance(), context.monitor(),
                tasks, Platform::runLater)), "Maintenance.fxml"));
        screens.put("Bot", () -> Views.load(new BotView(new BotViewModel(context.bot(), tasks, Platform::runLater)), "Bot.fxml"));
        screens.put("Settings", () -> Views.load(new SettingsView(
                new SettingsViewModel(context.liveSettings(), context.settingsStore(), tasks)), "Settings.fxml"));
        context.sandbox().ifPresent(sandbox -> screens.put("Sandbox chat", () -> Views.load(new SandboxChatView(
                new SandboxChatViewModel(sandbox, tasks, Platform::runLater)), "SandboxChat.fxml")));
        this.mainView = new MainView(main, screens);
        this.root = Views.load(mainView, "Main.fxml");
    }

    public Parent root() {
        return root;
    }

    public MainViewModel model() {
        return main;
    }

    public MainView view() {
        return mainView;
    }
}
