package dev.botops.ui.overview;

import dev.botops.bot.BotState;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunRecord;
import dev.botops.monitor.Alert;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.DatabaseSnapshot.Connections;
import dev.botops.monitor.DatabaseSnapshot.Storage;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import dev.botops.monitor.Forecast;
import dev.botops.monitor.MetricHistory.MetricSample;
import dev.botops.monitor.Severity;
import dev.botops.ui.bot.BotSnapshot;
import dev.botops.ui.common.Coalescer;
import dev.botops.ui.common.Downsampler;
import dev.botops.ui.common.Downsampler.Point;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Overview's state: the tiles' texts, the chart series (downsampled to about two points per pixel) and
 * the demo-data offer. Live updates arrive on service threads through {@link #publish}, coalesced into one
 * UI update per burst; every read that may block runs through the task executor. All other methods run on
 * the UI thread.
 */
public final class OverviewViewModel {
    /** Fewer points than this never look smooth, whatever the width. */
    static final int MIN_POINTS = 60;
    /** Re-downsample a live-growing series once it holds this much more than its budget. */
    private static final double SLACK = 1.25;
    private static final Duration RATE_WINDOW = Duration.ofSeconds(60);
    private static final Duration RUN_REFRESH = Duration.ofSeconds(30);
    private static final int TOP_TABLES = 10;
    static final String DEMO_OFFER = "This database is empty. Load demo data: six weeks of synthetic history and simulated"
            + " users chatting with the sandbox bot, clearly marked and removable with one click.";
    static final String DEMO_LOADED = "Demo data is loaded: six weeks of synthetic history and simulated users chatting with"
            + " the sandbox bot. Remove it before real use.";

    /** One bar of the largest-tables chart: a table with its partitions summed. */
    public record TableBar(String name, long heapBytes, long indexBytes, long toastBytes) {
        public long totalBytes() {
            return heapBytes + indexBytes + toastBytes;
        }
    }

    /** A tile's headline, its caption and a tone for its colour. */
    public record Tile(String value, String caption, Tone tone) {
    }

    /** How a tile's value is coloured. */
    public enum Tone { NEUTRAL, GOOD, WARNING, DANGER }

    private final OverviewSource source;
    private final TaskExecutor tasks;
    private final Clock clock;
    private final Coalescer<OverviewUpdate> updates;
    private Runnable unsubscribe = () -> { };

    private final ReadOnlyObjectWrapper<Tile> storage = new ReadOnlyObjectWrapper<>(new Tile("—", "Waiting for the first snapshot", Tone.NEUTRAL));
    private final ReadOnlyDoubleWrapper storageFraction = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper forecastText = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Tile> connections = new ReadOnlyObjectWrapper<>(new Tile("—", "", Tone.NEUTRAL));
    private final ReadOnlyObjectWrapper<Tile> bot = new ReadOnlyObjectWrapper<>(new Tile("—", "", Tone.NEUTRAL));
    private final ReadOnlyObjectWrapper<Tile> maintenance = new ReadOnlyObjectWrapper<>(new Tile("—", "Loading…", Tone.NEUTRAL));
    private final ReadOnlyObjectWrapper<Tile> alerts = new ReadOnlyObjectWrapper<>(new Tile("—", "", Tone.NEUTRAL));
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Waiting for the first snapshot…");

    private final ReadOnlyObjectWrapper<ChartRange> range = new ReadOnlyObjectWrapper<>(ChartRange.HOUR);
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper windowStart = new ReadOnlyDoubleWrapper();
    private final ReadOnlyDoubleWrapper windowEnd = new ReadOnlyDoubleWrapper();
    private final ObservableList<Point> sizeSeries = FXCollections.observableArrayList();
    private final ObservableList<Point> activeSeries = FXCollections.observableArrayList();
    private final ObservableList<Point> idleSeries = FXCollections.observableArrayList();
    private final ObservableList<Point> idleInTransactionSeries = FXCollections.observableArrayList();
    private final ObservableList<TableBar> largestTables = FXCollections.observableArrayList();
    // Read-only views made once: listeners on a view made per call would be lost when it is collected.
    private final ObservableList<Point> sizeSeriesView = FXCollections.unmodifiableObservableList(sizeSeries);
    private final ObservableList<Point> activeSeriesView = FXCollections.unmodifiableObservableList(activeSeries);
    private final ObservableList<Point> idleSeriesView = FXCollections.unmodifiableObservableList(idleSeries);
    private final ObservableList<Point> idleInTransactionSeriesView = FXCollections.unmodifiableObservableList(idleInTransactionSeries);
    private final ObservableList<TableBar> largestTablesView = FXCollections.unmodifiableObservableList(largestTables);

    private final ReadOnlyBooleanWrapper demoOffered = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper demoInstalled = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper demoBusy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper demoMessage = new ReadOnlyStringWrapper("");

    private int maxPoints = 1600;
    /** Bumped by every range load, so a slow load that finishes after a newer one is dropped. */
    private long loadGeneration;
    private final Deque<long[]> botCounts = new ArrayDeque<>();
    private Instant runLoadedAt;
    private boolean runLoading;

    /**
     * @param fxThread how to run on the UI thread ({@code Platform::runLater}; a direct call in tests)
     */
    public OverviewViewModel(OverviewSource source, TaskExecutor tasks, Consumer<Runnable> fxThread, Clock clock) {
        this.source = source;
        this.tasks = tasks;
        this.clock = clock;
        this.updates = new Coalescer<>(fxThread, this::apply);
    }

    /** Subscribes to the services and loads the first figures, the chart range and the demo offer. */
    public void start() {
        unsubscribe = source.subscribe(updates::publish);
        tasks.run("overview: current figures", source::current, current -> current.ifPresent(this::apply), this::failed);
        selectRange(range.get());
        refreshLastRun();
        refreshDemo();
    }

    /** Stops listening to the services. */
    public void stop() {
        unsubscribe.run();
    }

    /** Thread-safe: hands an update to the UI thread, coalesced with any other pending one. */
    public void publish(OverviewUpdate update) {
        updates.publish(update);
    }

    // ---- read-only state for the view ---------------------------------------------------------------

    public ReadOnlyObjectProperty<Tile> storage() {
        return storage.getReadOnlyProperty();
    }

    /** 0..1 of the quota. */
    public ReadOnlyDoubleProperty storageFraction() {
        return storageFraction.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty forecastText() {
        return forecastText.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Tile> connections() {
        return connections.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Tile> bot() {
        return bot.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Tile> maintenance() {
        return maintenance.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Tile> alerts() {
        return alerts.getReadOnlyProperty();
    }

    /** When the figures were taken, or why there are none. */
    public ReadOnlyStringProperty status() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ChartRange> range() {
        return range.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loading() {
        return loading.getReadOnlyProperty();
    }

    /** The charts' time window, epoch seconds. */
    public ReadOnlyDoubleProperty windowStart() {
        return windowStart.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty windowEnd() {
        return windowEnd.getReadOnlyProperty();
    }

    /** Database size over time: x epoch seconds, y bytes. */
    public ObservableList<Point> sizeSeries() {
        return sizeSeriesView;
    }

    public ObservableList<Point> activeSeries() {
        return activeSeriesView;
    }

    public ObservableList<Point> idleSeries() {
        return idleSeriesView;
    }

    public ObservableList<Point> idleInTransactionSeries() {
        return idleInTransactionSeriesView;
    }

    /** The ten largest tables (partitions summed into their table), largest first. */
    public ObservableList<TableBar> largestTables() {
        return largestTablesView;
    }

    public ReadOnlyBooleanProperty demoOffered() {
        return demoOffered.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty demoInstalled() {
        return demoInstalled.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty demoBusy() {
        return demoBusy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty demoMessage() {
        return demoMessage.getReadOnlyProperty();
    }

    /** The most points a series keeps: about two per pixel of the chart's width. */
    public int maxPoints() {
        return maxPoints;
    }

    // ---- commands ------------------------------------------------------------------------------------

    /** The charts' plot width changed: keep about two points per pixel. */
    public void setChartWidth(double pixels) {
        maxPoints = Math.max(MIN_POINTS, (int) Math.round(2 * pixels));
    }

    /** Shows a range: the last hour from memory, longer ones from the database (in the background). */
    public void selectRange(ChartRange selected) {
        range.set(selected);
        long generation = ++loadGeneration;
        loading.set(true);
        int budget = maxPoints;
        Instant now = clock.instant();
        tasks.run("overview: load " + selected.label(), () -> load(selected, now, budget), series -> {
            if (generation == loadGeneration) {
                loading.set(false);
                showSeries(series, now);
            }
        }, error -> {
            if (generation == loadGeneration) {
                loading.set(false);
                status.set("Could not load the " + selected.label() + " history: " + error.getMessage());
            }
        });
    }

    /** Loads six weeks of demo history and starts the simulated users. */
    public void installDemo() {
        demoBusy.set(true);
        demoMessage.set("Loading demo data…");
        tasks.run("load demo data", () -> {
            source.installDemo();
            return Boolean.TRUE;
        }, installed -> {
            demoBusy.set(false);
            demoOffered.set(false);
            demoInstalled.set(true);
            demoMessage.set(DEMO_LOADED);
            selectRange(range.get());
        }, error -> {
            demoBusy.set(false);
            demoMessage.set("Could not load demo data: " + error.getMessage());
        });
    }

    /** Stops the simulated users and deletes every demo row. */
    public void removeDemo() {
        demoBusy.set(true);
        demoMessage.set("Removing demo data…");
        tasks.run("remove demo data", source::removeDemo, removal -> {
            demoBusy.set(false);
            demoInstalled.set(false);
            demoMessage.set(String.format(Locale.ROOT, "Demo data removed (%,d rows).", removal));
            selectRange(range.get());
        }, error -> {
            demoBusy.set(false);
            demoMessage.set("Could not remove demo data: " + error.getMessage());
        });
    }

    // ---- applying updates (UI thread) -------------------------------------------------------------------

    /** Applies one live update; package-private for tests and the benchmark. */
    void apply(OverviewUpdate update) {
        DatabaseSnapshot snapshot = update.snapshot();
        bot.set(botTile(update.bot(), clock.instant()));
        alerts.set(alertsTile(update.activeAlerts()));
        if (!snapshot.reachable()) {
            status.set("Database " + snapshot.state().name().toLowerCase(Locale.ROOT) + " since " + Formats.time(snapshot.takenAt())
                    + ": " + snapshot.error() + " (showing the last known figures)");
            return;
        }
        status.set("Updated " + Formats.time(snapshot.takenAt()) + " · snapshot took " + snapshot.elapsed().toMillis() + " ms");
        Storage s = snapshot.storage();
        storage.set(storageTile(s));
        storageFraction.set(s.quotaBytes() <= 0 ? 0 : Math.min(1, (double) s.databaseBytes() / s.quotaBytes()));
        forecastText.set(forecastText(update.forecast()));
        connections.set(connectionsTile(snapshot.connections()));
        List<TableBar> top = largest(snapshot.tables());
        if (!top.equals(largestTables)) {
            largestTables.setAll(top);
        }
        appendLive(snapshot);
        if (runLoadedAt == null || !clock.instant().isBefore(runLoadedAt.plus(RUN_REFRESH))) {
            refreshLastRun();
        }
    }

    private void appendLive(DatabaseSnapshot snapshot) {
        double x = snapshot.takenAt().getEpochSecond();
        if (loading.get() || !sizeSeries.isEmpty() && sizeSeries.get(sizeSeries.size() - 1).x() >= x) {
            return;
        }
        Connections c = snapshot.connections();
        sizeSeries.add(new Point(x, snapshot.storage().databaseBytes()));
        activeSeries.add(new Point(x, c.active()));
        idleSeries.add(new Point(x, c.idle()));
        idleInTransactionSeries.add(new Point(x, c.idleInTransaction()));
        double start = x - range.get().length().getSeconds();
        windowStart.set(start);
        windowEnd.set(x);
        for (ObservableList<Point> series : allSeries()) {
            trim(series, start);
        }
    }

    /** Drops points that left the window and keeps the series within its budget (bounded memory over days). */
    private void trim(ObservableList<Point> series, double start) {
        int outside = 0;
        while (outside < series.size() && series.get(outside).x() < start) {
            outside++;
        }
        if (outside > 0) {
            series.remove(0, outside);
        }
        if (series.size() > maxPoints * SLACK) {
            series.setAll(Downsampler.lttb(List.copyOf(series), maxPoints));
        }
    }

    private List<ObservableList<Point>> allSeries() {
        return List.of(sizeSeries, activeSeries, idleSeries, idleInTransactionSeries);
    }

    private void showSeries(Series series, Instant now) {
        sizeSeries.setAll(series.size());
        activeSeries.setAll(series.active());
        idleSeries.setAll(series.idle());
        idleInTransactionSeries.setAll(series.idleInTransaction());
        windowStart.set(now.minus(range.get().length()).getEpochSecond());
        windowEnd.set(now.getEpochSecond());
    }

    private void refreshLastRun() {
        if (runLoading) {
            return;
        }
        runLoading = true;
        runLoadedAt = clock.instant();
        tasks.run("overview: last maintenance run", source::lastMaintenanceRun, run -> {
            runLoading = false;
            maintenance.set(maintenanceTile(run, clock.instant()));
        }, error -> {
            runLoading = false;
            maintenance.set(new Tile("Unknown", "Could not read the run log: " + error.getMessage(), Tone.WARNING));
        });
    }

    private void refreshDemo() {
        tasks.run("overview: demo data state", source::demoState, state -> {
            demoOffered.set(state.offer());
            demoInstalled.set(state.installed());
            if (state.installed()) {
                demoMessage.set(DEMO_LOADED);
            } else if (state.offer()) {
                demoMessage.set(DEMO_OFFER);
            }
        }, this::failed);
    }

    private void failed(Throwable error) {
        status.set("Could not read the figures: " + error.getMessage());
    }

    // ---- loading a range (background thread) -----------------------------------------------------------

    /** The four series of one range, downsampled. */
    record Series(List<Point> size, List<Point> active, List<Point> idle, List<Point> idleInTransaction) {
    }

    private Series load(ChartRange selected, Instant now, int budget) {
        Instant from = now.minus(selected.length());
        List<Point> size = new ArrayList<>();
        List<Point> active = new ArrayList<>();
        List<Point> idle = new ArrayList<>();
        List<Point> idleTx = new ArrayList<>();
        if (selected.inMemory()) {
            for (DatabaseSnapshot s : source.recentSnapshots()) {
                if (s.reachable() && !s.takenAt().isBefore(from)) {
                    double x = s.takenAt().getEpochSecond();
                    size.add(new Point(x, s.storage().databaseBytes()));
                    active.add(new Point(x, s.connections().active()));
                    idle.add(new Point(x, s.connections().idle()));
                    idleTx.add(new Point(x, s.connections().idleInTransaction()));
                }
            }
        } else {
            for (MetricSample s : source.samples(from, now)) {
                double x = s.sampledAt().getEpochSecond();
                size.add(new Point(x, s.databaseBytes()));
                active.add(new Point(x, s.connectionsActive()));
                idle.add(new Point(x, s.connectionsIdle()));
                idleTx.add(new Point(x, s.connectionsIdleInTransaction()));
            }
        }
        return new Series(Downsampler.lttb(size, budget), Downsampler.lttb(active, budget), Downsampler.lttb(idle, budget),
                Downsampler.lttb(idleTx, budget));
    }

    // ---- tile texts (pure) --------------------------------------------------------------------------------

    static Tile storageTile(Storage s) {
        Tone tone = s.percentUsed() >= 95 ? Tone.DANGER : s.percentUsed() >= 80 ? Tone.WARNING : Tone.GOOD;
        return new Tile(Formats.bytes(s.databaseBytes()), "of " + Formats.bytes(s.quotaBytes()) + " quota · "
                + Formats.percent(s.percentUsed()), tone);
    }

    static String forecastText(Optional<Forecast> forecast) {
        if (forecast.isEmpty()) {
            return "Forecast: not computed yet";
        }
        Forecast f = forecast.get();
        switch (f.outcome()) {
            case GROWING:
                double days = f.daysUntilFull();
                String when = days < 1 ? "less than a day" : String.format(Locale.ROOT, "%,.0f days", Math.floor(days));
                return "≈ " + when + " until full (+" + Formats.bytes(Math.round(f.bytesPerDay())) + "/day)";
            case NOT_GROWING:
                return "Not growing over the last " + Formats.age(f.span()) + ": no day the quota is full";
            default:
                return "Not enough history to forecast yet (" + f.samples() + (f.samples() == 1 ? " sample" : " samples")
                        + " over " + Formats.age(f.span()) + ")";
        }
    }

    static Tile connectionsTile(Connections c) {
        Tone tone = c.percentUsed() >= 95 ? Tone.DANGER : c.percentUsed() >= 80 ? Tone.WARNING : Tone.GOOD;
        return new Tile(c.total() + " of " + c.limit().usable(), c.ours() + " this app · " + c.others() + " others · "
                + c.active() + " active, " + c.idle() + " idle", tone);
    }

    /** The bot's state wherever it runs, with the update rate measured over the last minute of updates. */
    Tile botTile(BotSnapshot s, Instant now) {
        if (s.runsOn().nowhereActive()) {
            botCounts.clear();
            return new Tile("Stopped", s.reason(), Tone.NEUTRAL);
        }
        botCounts.addLast(new long[] {now.toEpochMilli(), s.counters().updates()});
        while (botCounts.size() > 2 && now.toEpochMilli() - botCounts.peekFirst()[0] > RATE_WINDOW.toMillis()) {
            botCounts.removeFirst();
        }
        String elsewhere = s.runsOn().here() ? "" : s.runsOn().label() + " · ";
        String where = elsewhere + (s.sandbox() ? "sandbox · " : s.username().isEmpty() ? "" : "@" + s.username() + " · ");
        switch (s.state()) {
            case POLLING:
                return new Tile("Polling", where + updateRate() + " · " + s.counters().errors() + " errors", Tone.GOOD);
            case STANDBY:
                return new Tile("Standby", s.holder().filter(h -> !h.thisInstance())
                        .map(h -> "Active instance: " + h.host() + " (pid " + h.pid() + ")").orElse(s.reason()), Tone.NEUTRAL);
            case CONFLICT:
                return new Tile("Conflict", elsewhere + s.reason(), Tone.DANGER);
            case BACKING_OFF:
                return new Tile("Backing off", elsewhere + s.reason(), Tone.WARNING);
            default:
                return new Tile("Stopped", elsewhere + s.reason(), s.state() == BotState.STOPPED ? Tone.NEUTRAL : Tone.WARNING);
        }
    }

    private String updateRate() {
        long[] first = botCounts.peekFirst();
        long[] last = botCounts.peekLast();
        long span = last[0] - first[0];
        if (span < 10_000) {
            return "measuring updates/min…";
        }
        double perMinute = (last[1] - first[1]) * 60_000.0 / span;
        return String.format(Locale.ROOT, "%.1f updates/min", perMinute);
    }

    static Tile maintenanceTile(Optional<RunRecord> run, Instant now) {
        if (run.isEmpty()) {
            return new Tile("No runs yet", "The schedule's first run, or Cleanup, will show here", Tone.NEUTRAL);
        }
        RunRecord r = run.get();
        Instant at = r.finishedAt() != null ? r.finishedAt() : r.startedAt();
        String what = r.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + (r.dryRun() ? " (dry run)" : "");
        String caption = what + " · " + Formats.age(Duration.between(at, now)) + " ago · " + Formats.time(at);
        if (r.rowsDeleted() > 0) {
            caption += String.format(Locale.ROOT, " · %,d rows", r.rowsDeleted());
        }
        Tone tone = r.outcome().failed() ? Tone.DANGER
                : r.outcome() == Outcome.SUCCEEDED ? Tone.GOOD : Tone.WARNING;
        return new Tile(outcomeText(r.outcome()), caption, tone);
    }

    private static String outcomeText(Outcome outcome) {
        String name = outcome.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    static Tile alertsTile(List<Alert> active) {
        Map<Severity, Integer> counts = new LinkedHashMap<>();
        for (Severity s : List.of(Severity.CRITICAL, Severity.WARNING, Severity.INFO)) {
            counts.put(s, 0);
        }
        for (Alert a : active) {
            counts.merge(a.severity(), 1, Integer::sum);
        }
        String caption = counts.get(Severity.CRITICAL) + " critical · " + counts.get(Severity.WARNING) + " warning · "
                + counts.get(Severity.INFO) + " info";
        Tone tone = counts.get(Severity.CRITICAL) > 0 ? Tone.DANGER : counts.get(Severity.WARNING) > 0 ? Tone.WARNING : Tone.GOOD;
        return new Tile(active.isEmpty() ? "None active" : active.size() + " active", caption, tone);
    }

    /** The largest tables, each partitioned table counted once with its partitions summed. */
    static List<TableBar> largest(List<TableStats> tables) {
        Map<String, long[]> byTable = new LinkedHashMap<>();
        for (TableStats t : tables) {
            String name = t.partitionOf() != null ? t.partitionOf() : t.displayName();
            long[] sums = byTable.computeIfAbsent(shortName(name), n -> new long[3]);
            sums[0] += t.heapBytes();
            sums[1] += t.indexBytes();
            sums[2] += t.toastBytes();
        }
        List<TableBar> bars = new ArrayList<>();
        byTable.forEach((name, s) -> bars.add(new TableBar(name, s[0], s[1], s[2])));
        bars.sort((a, b) -> Long.compare(b.totalBytes(), a.totalBytes()));
        return bars.size() > TOP_TABLES ? List.copyOf(bars.subList(0, TOP_TABLES)) : List.copyOf(bars);
    }

    private static String shortName(String displayName) {
        return displayName.startsWith("public.") ? displayName.substring("public.".length()) : displayName;
    }
}
