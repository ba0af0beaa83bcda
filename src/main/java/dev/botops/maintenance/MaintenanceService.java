package dev.botops.maintenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.botops.concurrent.Threads;
import dev.botops.config.ConfigException;
import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.lease.LeaseHolder;
import dev.botops.monitor.AlertSink;
import dev.botops.monitor.Severity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance as the dashboard, the HTTP endpoint, the command line and the scheduler see it: start a
 * cleanup, VACUUM or health run, watch its progress, cancel it, read the run history, steer the schedule.
 *
 * <p>Runs execute one at a time on the service's own thread ({@code botops-maintenance}); callers get an
 * answer at once: the new run's id, or why it did not start. Two guards keep runs apart: an in-process
 * one, and the {@link MaintenanceLease} (a lease row with expiry, renewed while the run proceeds, with no
 * connection or session state held between renewals, so it works behind a transaction-mode pooler), so that
 * instances on other machines skip while one runs. Every run, skipped ones included, is recorded in
 * {@code maintenance_runs} and in {@code maintenance.log}; a failed run raises the {@value #ALERT_RULE} alert,
 * and the next successful one resolves it.
 */
public final class MaintenanceService implements AutoCloseable {
    public static final String ALERT_RULE = "maintenance-failed";
    private static final Logger log = LoggerFactory.getLogger(MaintenanceService.class);
    private static final Duration ADMISSION_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Database db;
    private final Clock clock;
    private final AlertSink alerts;
    private final MaintenanceSettings settings;
    private final List<ResolvedPolicy> policies;
    private final RunLog runLog;
    private final MaintenanceLogFile logFile;
    private final RunPerformer performer;
    private final MaintenanceScheduler scheduler;
    private final MaintenanceLease lease;
    private final ExecutorService executor;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // The stored report also carries derived values (duration, usedPercent, ...) that are not record components.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final AtomicReference<ActiveRun> active = new AtomicReference<>();
    private final AtomicReference<CleanupProgress> progress = new AtomicReference<>();
    private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();

    private MaintenanceService(Database db, MaintenanceSettings settings, List<ResolvedPolicy> policies, AlertSink alerts, Clock clock,
                               ZoneId zone) {
        this.db = db;
        this.settings = settings;
        this.policies = policies;
        this.alerts = alerts;
        this.clock = clock;
        this.runLog = new RunLog(db);
        PartitionManager partitions = new PartitionManager(db);
        VacuumRunner vacuum = new VacuumRunner(db, settings.quotaBytes());
        this.performer = new RunPerformer(db, policies, new RetentionCleaner(db, partitions, settings.batchTarget(), settings.archiveDir()),
                partitions, vacuum, new StorageCheck(db, partitions, vacuum, settings.quotaBytes(), settings.deadRowsPercent(),
                settings.deadRowsMinBytes()), settings, clock);
        this.logFile = new MaintenanceLogFile(settings.logDir());
        this.lease = new MaintenanceLease(db, settings.instance(), settings.leaseTtl());
        this.executor = Executors.newSingleThreadExecutor(Threads.daemon("botops-maintenance"));
        this.scheduler = new MaintenanceScheduler(new MaintenanceScheduler.Runner() {
            @Override
            public StartResult start(RunRequest request, Trigger trigger, String caller) {
                return MaintenanceService.this.start(request, trigger, caller);
            }

            @Override
            public Optional<Instant> lastStart(RunKind kind) {
                return runLog.lastStart(kind);
            }

            @Override
            public Optional<Instant> installedAt() {
                return runLog.installedAt();
            }
        }, clock, zone, settings.dailyAt(), settings.healthEvery(), settings.quickEvery(), settings.quickBudget());
    }

    /**
     * Checks the retention policies against the database (a bad one is a {@link dev.botops.config.ConfigException}
     * here, at start) and creates the partitions ahead. The schedule is not started: see {@link #scheduler()}.
     */
    public static MaintenanceService create(Database db, Settings settings, AlertSink alerts, Clock clock, ZoneId zone) {
        List<ResolvedPolicy> policies;
        MaintenanceSettings maintenance = MaintenanceSettings.from(settings);
        try {
            policies = PolicyCatalog.resolve(db, RetentionPolicies.fromSettings(settings));
            List<String> archiving = policies.stream().filter(ResolvedPolicy::archives).map(p -> p.table().display()).toList();
            String problem = archiving.isEmpty() ? null : PolicyCatalog.archiveDirProblem(maintenance.archiveDir());
            if (problem != null) {
                throw new ConfigException(ConfigKey.MAINTENANCE_ARCHIVE_DIR.property(), problem + " The rows of " + String.join(", ", archiving)
                        + " are archived before they are deleted. Set " + ConfigKey.MAINTENANCE_ARCHIVE_DIR.property()
                        + " to a writable directory (or retention.<name>.archive=false).");
            }
        } catch (ConfigException e) {
            throw settings.located(e);
        }
        MaintenanceService service = new MaintenanceService(db, maintenance, policies, alerts, clock, zone);
        service.performer.ensurePartitionsAhead(clock.instant(), null);
        return service;
    }

    /**
     * Makes sure daily partitions cover every UTC day from {@code from} to {@code to} in each table whose retention
     * drops partitions, so history loaded after the fact (demo data, an import) lands where a cleanup drops whole
     * days rather than in the DEFAULT partition, where it can only be deleted row by row. Days already covered are
     * left alone. Returns the partitions created.
     */
    public List<String> createDailyPartitions(Instant from, Instant to) {
        List<String> created = performer.ensureDays(from.atZone(ZoneOffset.UTC).toLocalDate(), to.atZone(ZoneOffset.UTC).toLocalDate());
        if (!created.isEmpty()) {
            log.info("Created {} daily partition(s) from {} to {}", created.size(), from, to);
        }
        return created;
    }

    /** The enabled policies, resolved against the catalog. */
    public List<ResolvedPolicy> policies() {
        return policies;
    }

    /**
     * Checks one retention policy as a settings editor would before saving it ({@code attributes}: {@code table},
     * {@code column}, {@code max-age}, {@code batch-size}, {@code archive}, {@code enabled}, as typed; the built-in
     * policy of that name fills what is missing): its values, its table and column against the catalog (disabled
     * or not), and the archive directory when it archives. Reads the catalog: call it off the FX thread.
     */
    public PolicyCheck validatePolicy(String name, Map<String, String> attributes) {
        List<PolicyCheck.Problem> problems = new ArrayList<>();
        RetentionPolicy policy = RetentionPolicies.parseOne(name, attributes, problems);
        ResolvedPolicy resolved = null;
        if (policy != null) {
            try {
                resolved = PolicyCatalog.check(db, policy);
            } catch (ConfigException e) {
                problems.add(new PolicyCheck.Problem(e.key(), e.getMessage()));
            }
        }
        if (resolved != null && resolved.archives()) {
            String problem = PolicyCatalog.archiveDirProblem(settings.archiveDir());
            if (problem != null) {
                problems.add(new PolicyCheck.Problem(ConfigKey.MAINTENANCE_ARCHIVE_DIR.property(), problem + " Rows of " + resolved.table()
                        + " are archived before they are deleted: set " + ConfigKey.MAINTENANCE_ARCHIVE_DIR.property()
                        + " to a writable directory, or " + RetentionPolicies.key(name, "archive") + "=false."));
            }
        }
        return new PolicyCheck(name, problems, Optional.ofNullable(resolved));
    }

    /**
     * Loads an archive file back into its table (or {@code into}, a table with the same columns), idempotently: see
     * {@link ArchiveRestorer}. Throws {@link IllegalArgumentException} for a file that is no archive and
     * {@link TableRefusedException} for a table maintenance does not act on.
     */
    public ArchiveRestorer.RestoreReport restoreArchive(Path file, Optional<String> into) {
        return new ArchiveRestorer(db).restore(file, into);
    }

    public StartResult startCleanup(boolean dryRun, Trigger trigger, String caller) {
        return start(RunRequest.cleanup(dryRun), trigger, caller);
    }

    public StartResult startVacuum(Set<String> tables, boolean analyze, boolean full, Trigger trigger, String caller) {
        return start(RunRequest.vacuum(tables, analyze, full), trigger, caller);
    }

    /**
     * Starts a run on the maintenance thread and answers as soon as it has started (its id) or been refused
     * (why: a run already active here, another instance holding the lease, a table maintenance does not act on, the
     * database down). It waits only for the admission (checking the tables, taking the lease and writing the run's
     * row: milliseconds, at most 30 s when the database does not answer), so call it off the FX thread like any other I/O.
     */
    public StartResult start(RunRequest request, Trigger trigger, String caller) {
        ActiveRun run = new ActiveRun(request, trigger, caller, clock.instant());
        if (!active.compareAndSet(null, run)) {
            ActiveRun other = active.get();
            String reason = other == null ? "Another maintenance run was just finishing; try again."
                    : "A maintenance run is already active in this instance: " + other.describe() + ".";
            return StartResult.busy(skip(run, reason));
        }
        try {
            executor.execute(() -> execute(run));
        } catch (RejectedExecutionException e) {
            active.compareAndSet(run, null);
            return StartResult.refused("Maintenance is shutting down.");
        }
        try {
            return run.admission.get(ADMISSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.token.cancel();
            return StartResult.refused("Interrupted while starting the run.");
        } catch (TimeoutException e) {
            run.token.cancel();
            return StartResult.refused("The database did not answer within " + ADMISSION_TIMEOUT.toSeconds() + " s; the run was not started.");
        } catch (ExecutionException e) {
            return StartResult.refused("The run could not start: " + e.getCause().getMessage());
        }
    }

    /** Records a run that did not start and returns the reason. */
    private String skip(ActiveRun run, String reason) {
        log.info("Maintenance {} by {} ({}) skipped: {}", run.request.kind(), run.trigger, run.caller, reason);
        logFile.write("skipped " + run.request.kind() + " by " + run.trigger + " (" + run.caller + ") on " + settings.instance() + ": " + reason);
        try {
            runLog.skipped(run.request.kind(), run.trigger, run.caller, run.request.dryRun(), clock.instant(), reason);
        } catch (RuntimeException e) {
            log.warn("Could not record the skipped run: {}", e.getMessage());
        }
        return reason;
    }

    /** On the maintenance thread: take the lease for the whole run, or skip saying who holds it. */
    private void execute(ActiveRun run) {
        try {
            if (run.token.cancelled()) {
                run.admission.complete(StartResult.refused("Cancelled before it started."));
                return;
            }
            try {
                performer.check(run.request);
            } catch (TableRefusedException e) {
                log.info("Maintenance {} by {} ({}) refused: {}", run.request.kind(), run.trigger, run.caller, e.getMessage());
                run.admission.complete(StartResult.invalid(e.getMessage()));
                return;
            }
            Optional<MaintenanceLease.Hold> hold = lease.tryTake(
                    other -> run.admission.complete(StartResult.busy(skip(run, "Another instance is running maintenance on this database: "
                            + describeHolder(other) + "."))),
                    reason -> logFile.write("run " + run.runId + ": " + reason));
            if (hold.isPresent()) {
                try (MaintenanceLease.Hold held = hold.get()) {
                    runHolding(run, held);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Maintenance run could not run: {}", e.getMessage());
            if (!run.admission.isDone()) {
                run.admission.complete(StartResult.refused("The run could not start: " + e.getMessage()));
            }
        } finally {
            progress.set(null);
            active.compareAndSet(run, null);
            run.completion.complete(run.report);
        }
    }

    private void runHolding(ActiveRun run, MaintenanceLease.Hold hold) {
        Instant startedAt = clock.instant();
        for (long interrupted : runLog.closeInterrupted(startedAt)) {
            logFile.write("run " + interrupted + " INTERRUPTED: the process stopped during the run; every committed batch stays done");
        }
        long before = db.withConnection(dev.botops.db.Work.MAINTENANCE, Catalog::databaseBytes);
        long runId = runLog.start(run.request.kind(), run.trigger, run.caller, run.request.dryRun(), startedAt, before,
                toJson(Map.of("instance", settings.instance(), "lease", lease.holderId())));
        run.runId = runId;
        run.admission.complete(StartResult.started(runId, run.completion));
        logFile.write("run " + runId + " " + run.request.kind() + (run.request.dryRun() ? " (dry run)" : "") + " started by " + run.trigger
                + " (" + run.caller + ") on " + settings.instance());
        ProgressTracker tracker = new ProgressTracker(runId, run.request.kind(), listeners, progress::set);
        RunPerformer.Context ctx = new RunPerformer.Context(runId, settings.instance(), run.trigger, run.caller, startedAt, before,
                new RunControl(run.token, run.request.budget(), hold), tracker);
        RunReport report = performer.perform(run.request, ctx);
        run.report = report;
        record(report);
    }

    private void record(RunReport report) {
        try {
            runLog.finish(report, toJson(report));
        } catch (RuntimeException e) {
            log.warn("Could not store maintenance run {} in the database: {}", report.runId(), e.getMessage());
        }
        for (String line : RunSummary.lines(report)) {
            logFile.write(line);
        }
        if (report.outcome().failed()) {
            alerts.raise(ALERT_RULE, Severity.WARNING, "Maintenance run " + report.runId() + " (" + report.kind() + ") failed: "
                    + report.error(), "See " + logFile.file() + " or the run history. Committed batches stay done; the next run continues.");
        } else if (report.outcome() == Outcome.SUCCEEDED && !report.dryRun()) {
            alerts.resolve(ALERT_RULE);
        }
        log.info("Maintenance run {} ({}) finished: {}, {} rows", report.runId(), report.kind(), report.outcome(), report.rowsDeleted());
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            log.warn("Could not serialise the run details: {}", e.getMessage());
            return null;
        }
    }

    /**
     * Who holds the lease: the run it is doing (its row names the holder) and where it runs, e.g. "run 17 (DAILY by
     * SCHEDULE, scheduler) by server-a:123 on server-a (pid 123) since 2026-11-27T03:00:00Z".
     */
    private String describeHolder(LeaseHolder holder) {
        Optional<RunRecord> running = Optional.empty();
        try {
            running = runLog.runningFor(holder.holderId());
        } catch (RuntimeException e) {
            log.debug("Could not read the holder's run: {}", e.getMessage());
        }
        String where = MaintenanceLease.describe(holder);
        return running.map(r -> "run " + r.runId() + " (" + r.kind() + " by " + r.trigger() + ", " + r.caller() + ") by " + where)
                .orElse(where + ", holding the maintenance lease until " + holder.expiresAt() + " unless renewed");
    }

    /** Asks the active run to stop after its current batch; returns false when nothing is running. */
    public boolean cancel() {
        ActiveRun run = active.get();
        if (run == null) {
            return false;
        }
        run.token.cancel();
        log.info("Cancellation of maintenance run {} requested", run.runId);
        return true;
    }

    /** Cancels the given run if it is the active one. */
    public boolean cancel(long runId) {
        ActiveRun run = active.get();
        if (run == null || run.runId != runId) {
            return false;
        }
        return cancel();
    }

    /** The active run's latest progress, if a run is active. */
    public Optional<CleanupProgress> progress() {
        return Optional.ofNullable(progress.get());
    }

    /** The id of the active run, if any. */
    public Optional<Long> activeRunId() {
        ActiveRun run = active.get();
        return run == null || run.runId == 0 ? Optional.empty() : Optional.of(run.runId);
    }

    public void addProgressListener(ProgressListener listener) {
        listeners.add(listener);
    }

    public void removeProgressListener(ProgressListener listener) {
        listeners.remove(listener);
    }

    /** The latest runs, newest first. */
    public List<RunRecord> runs(int limit) {
        return runLog.recent(limit);
    }

    public Optional<RunRecord> run(long runId) {
        return runLog.get(runId);
    }

    /**
     * A finished run's whole report as stored in {@code details}: per table (rows, partitions, space, archive file),
     * VACUUM and health. Empty while the run is active, for skipped runs, and for unknown ids.
     */
    public Optional<RunReport> report(long runId) {
        return runLog.get(runId).map(RunRecord::detailsJson).flatMap(details -> {
            try {
                JsonNode node = json.readTree(details);
                // A running run's details hold only the instance; the report replaces them when it finishes.
                return node.has("runId") ? Optional.of(json.treeToValue(node, RunReport.class)) : Optional.empty();
            } catch (JsonProcessingException e) {
                log.warn("The stored details of maintenance run {} cannot be read: {}", runId, e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** Runs in the log per outcome (for metrics); every outcome is present. */
    public Map<Outcome, Long> runCounts() {
        return runLog.countsByOutcome();
    }

    /** The schedule: start/stop it (e.g. on the lease-holding instance only), pause and resume it, read its state. */
    public MaintenanceScheduler scheduler() {
        return scheduler;
    }

    public SchedulerState schedulerState() {
        return scheduler.state();
    }

    public void pauseSchedule() {
        scheduler.pause();
    }

    public void resumeSchedule() {
        scheduler.resume();
    }

    /** Where {@code maintenance.log} is written. */
    public Path logFile() {
        return logFile.file();
    }

    /** Stops the schedule, cancels an active run (it stops after its current batch), and waits for it, bounded. */
    @Override
    public void close() {
        scheduler.stop();
        cancel();
        Threads.shutdown(executor, CLOSE_TIMEOUT, "The maintenance run");
        lease.close();
        logFile.close();
    }

    /** The run this instance is executing; fields written by the maintenance thread, read by callers. */
    private static final class ActiveRun {
        final RunRequest request;
        final Trigger trigger;
        final String caller;
        final Instant requestedAt;
        final CancelToken token = new CancelToken();
        final CompletableFuture<StartResult> admission = new CompletableFuture<>();
        final CompletableFuture<RunReport> completion = new CompletableFuture<>();
        volatile long runId;
        volatile RunReport report;

        ActiveRun(RunRequest request, Trigger trigger, String caller, Instant requestedAt) {
            this.request = request;
            this.trigger = trigger;
            this.caller = caller;
            this.requestedAt = requestedAt;
        }

        String describe() {
            return (runId == 0 ? "a run starting" : "run " + runId) + " (" + request.kind() + " by " + trigger + ", " + caller
                    + ", requested " + requestedAt + ")";
        }
    }
}
