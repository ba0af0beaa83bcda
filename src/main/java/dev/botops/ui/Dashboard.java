package dev.botops.ui;

import dev.botops.app.AppContext;
import dev.botops.ui.alerts.AlertsView;
import dev.botops.ui.alerts.AlertsViewModel;
import dev.botops.ui.alerts.ServicesAlertsSource;
import dev.botops.ui.bot.BotView;
import dev.botops.ui.bot.BotViewModel;
import dev.botops.ui.common.TaskExecutor;
import dev.botops.ui.common.Views;
import dev.botops.ui.main.CriticalBanner;
import dev.botops.ui.main.MainView;
import dev.botops.ui.main.MainViewModel;
import dev.botops.ui.maintenance.MaintenanceView;
import dev.botops.ui.maintenance.MaintenanceViewModel;
import dev.botops.ui.overview.OverviewView;
import dev.botops.ui.overview.OverviewViewModel;
import dev.botops.ui.overview.ServicesOverviewSource;
import dev.botops.ui.sandbox.SandboxChatView;
import dev.botops.ui.sandbox.SandboxChatViewModel;
import dev.botops.ui.settings.SettingsView;
import dev.botops.ui.settings.SettingsViewModel;
import dev.botops.ui.tables.ServicesTablesSource;
import dev.botops.ui.tables.TablesView;
import dev.botops.ui.tables.TablesViewModel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Parent;

/** Builds the dashboard's views and view models from the running services (the UI's part of the composition root). */
public final class Dashboard implements AutoCloseable {
    /** The smallest window the dashboard allows: the Maintenance screen's two columns still fit side by side, the Overview reads fully (OverviewLayoutUiTest). */
    public static final int MIN_WIDTH = 1024;
    public static final int MIN_HEIGHT = 640;

    private final MainViewModel main;
    private final MainView mainView;
    private final Parent root;
    private final OverviewViewModel overview;
    private final CriticalBanner banner;
    /** Stops the screens' subscriptions to the services, in the order they started. */
    private final List<Runnable> stoppers = new ArrayList<>();
    private final List<String> titles;

    public Dashboard(AppContext context, TaskExecutor tasks) {
        this.main = new MainViewModel(context.liveSettings(), context.settingsStore(), tasks,
                context.database().target().display() + " · schema " + context.schemaVersion());
        this.overview = new OverviewViewModel(new ServicesOverviewSource(context), tasks, Platform::runLater, Clock.systemUTC());
        Map<String, Supplier<Node>> screens = new LinkedHashMap<>();
        screens.put("Overview", () -> {
            Node view = Views.load(new OverviewView(overview), "Overview.fxml");
            started(overview::start, overview::stop);
            return view;
        });
        screens.put("Tables", () -> {
            TablesViewModel model = new TablesViewModel(new ServicesTablesSource(context), tasks, Platform::runLater);
            Node view = Views.load(new TablesView(model), "Tables.fxml");
            started(model::start, model::stop);
            return view;
        });
        screens.put("Maintenance", () -> Views.load(new MaintenanceView(new MaintenanceViewModel(context.maintenance(), context.monitor(),
                tasks, Platform::runLater)), "Maintenance.fxml"));
        screens.put("Bot", () -> Views.load(new BotView(new BotViewModel(context.bot(), tasks, Platform::runLater)), "Bot.fxml"));
        screens.put("Alerts", () -> {
            AlertsViewModel model = new AlertsViewModel(new ServicesAlertsSource(context.alerts()), tasks, Platform::runLater);
            Node view = Views.load(new AlertsView(model), "Alerts.fxml");
            started(model::start, model::stop);
            return view;
        });
        screens.put("Settings", () -> Views.load(new SettingsView(
                new SettingsViewModel(context.liveSettings(), context.settingsStore(), tasks)), "Settings.fxml"));
        context.sandbox().ifPresent(sandbox -> screens.put("Sandbox chat", () -> Views.load(new SandboxChatView(
                new SandboxChatViewModel(sandbox, tasks, Platform::runLater)), "SandboxChat.fxml")));
        this.banner = new CriticalBanner(context.alerts(), main, Platform::runLater);
        banner.start(tasks);
        stoppers.add(banner::stop);
        this.titles = List.copyOf(screens.keySet());
        this.mainView = new MainView(main, screens);
        this.root = Views.load(mainView, "Main.fxml");
    }

    private void started(Runnable start, Runnable stop) {
        start.run();
        stoppers.add(stop);
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

    /** The sidebar's screens, in order. */
    public List<String> screenTitles() {
        return titles;
    }

    /** The Overview's view model (benchmarks and tests drive it directly). */
    public OverviewViewModel overview() {
        return overview;
    }

    /** Stops listening to the services (call before the services close); the window close and a signal may both call it. */
    @Override
    public synchronized void close() {
        stoppers.forEach(Runnable::run);
        stoppers.clear();
    }
}
