package dev.botops.app.desktop;

import dev.botops.app.AppContext;
import dev.botops.ui.alerts.AlertsView;
import dev.botops.ui.alerts.AlertsViewModel;
import dev.botops.ui.bot.BotSource;
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
import dev.botops.ui.sandbox.SandboxChatView;
import dev.botops.ui.sandbox.SandboxChatViewModel;
import dev.botops.ui.settings.SettingsView;
import dev.botops.ui.settings.SettingsViewModel;
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

/**
 * The dashboard's part of the composition root: builds each screen's port over this process's services, its view
 * model and its view, and starts and stops the view models with the frame. Every screen is wired the same way
 * ({@link #screen}): a new one (the fleet's Instances screen) is one more call with its own port.
 */
public final class Dashboard implements AutoCloseable {
    /** The smallest window the dashboard allows: the Maintenance screen's two columns still fit side by side, the Overview reads fully (OverviewLayoutUiTest). */
    public static final int MIN_WIDTH = 1024;
    public static final int MIN_HEIGHT = 640;

    private final MainViewModel main;
    private final MainView mainView;
    private final Parent root;
    private final OverviewViewModel overview;
    private final Map<String, Supplier<Node>> screens = new LinkedHashMap<>();
    /** Stops the screens' subscriptions to the services, in the order they started. */
    private final List<Runnable> stoppers = new ArrayList<>();
    private final List<String> titles;

    public Dashboard(AppContext context, TaskExecutor tasks) {
        String instance = context.settings().instanceName();
        BotSource bot = new ServicesBotSource(context.bot(), instance);
        this.main = new MainViewModel(context.liveSettings(), context.settingsStore(), tasks,
                context.database().target().display() + " · schema " + context.schemaVersion());
        this.overview = new OverviewViewModel(new ServicesOverviewSource(context.monitor(), context.metricHistory(), context.alerts(),
                context.maintenance(), bot, context.demo(), context.liveSettings()), tasks, Platform::runLater, Clock.systemUTC());
        screen("Overview", () -> Views.load(new OverviewView(overview), "Overview.fxml"), overview::start, overview::stop);

        TablesViewModel tables = new TablesViewModel(new ServicesTablesSource(context.maintenance(), context.monitor(),
                context.settings()), tasks, Platform::runLater);
        screen("Tables", () -> Views.load(new TablesView(tables), "Tables.fxml"), tables::start, tables::stop);

        MaintenanceViewModel maintenance = new MaintenanceViewModel(new ServicesMaintenanceSource(context.maintenance(),
                context.monitor(), instance), tasks, Platform::runLater);
        screen("Maintenance", () -> Views.load(new MaintenanceView(maintenance), "Maintenance.fxml"), maintenance::start, maintenance::stop);

        BotViewModel botModel = new BotViewModel(bot, tasks, Platform::runLater);
        screen("Bot", () -> Views.load(new BotView(botModel), "Bot.fxml"), botModel::start, botModel::stop);

        AlertsViewModel alerts = new AlertsViewModel(new ServicesAlertsSource(context.alerts()), tasks, Platform::runLater);
        screen("Alerts", () -> Views.load(new AlertsView(alerts), "Alerts.fxml"), alerts::start, alerts::stop);

        // The form reads the settings in memory and follows nothing: no subscription to start or stop.
        SettingsViewModel settings = new SettingsViewModel(context.liveSettings(), context.settingsStore(), tasks);
        screen("Settings", () -> Views.load(new SettingsView(settings), "Settings.fxml"), () -> { }, () -> { });

        context.sandbox().ifPresent(sandbox -> {
            SandboxChatViewModel chat = new SandboxChatViewModel(new ServicesSandboxSource(sandbox), tasks, Platform::runLater);
            screen("Sandbox chat", () -> Views.load(new SandboxChatView(chat), "SandboxChat.fxml"), chat::start, chat::stop);
        });

        CriticalBanner banner = new CriticalBanner(context.alerts(), main, Platform::runLater);
        banner.start(tasks);
        stoppers.add(banner::stop);
        this.titles = List.copyOf(screens.keySet());
        this.mainView = new MainView(main, screens);
        this.root = Views.load(mainView, "Main.fxml");
    }

    /** A screen of the sidebar: its view is loaded when the frame is built, then its model starts; {@link #close} stops it. */
    private void screen(String title, Supplier<Node> view, Runnable start, Runnable stop) {
        screens.put(title, () -> {
            Node node = view.get();
            start.run();
            stoppers.add(stop);
            return node;
        });
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
