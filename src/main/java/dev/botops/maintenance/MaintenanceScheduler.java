package dev.botops.maintenance;

import dev.botops.concurrent.Threads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the daily full maintenance, the health check and the quick cleanup on one named daemon thread.
 * Jobs run one after another (the thread waits for each run to finish), so the scheduler never collides
 * with itself; a run refused because another instance holds the lock is recorded as skipped. Each firing is
 * caught and logged, and the job is always scheduled again. {@link #start} and {@link #stop} may be called
 * repeatedly (the instance holding the bot lease runs the schedule; the others stop it).
 */
public final class MaintenanceScheduler implements AutoCloseable {
    static final String CALLER = "scheduler";
    private static final Logger log = LoggerFactory.getLogger(MaintenanceScheduler.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** What the scheduler needs from the maintenance service. */
    interface Runner {
        StartResult start(RunRequest request, Trigger trigger, String caller);

        Optional<Instant> lastStart(RunKind kind);

        Optional<Instant> installedAt();
    }

    private final Runner runner;
    private final Clock clock;
    private final ZoneId zone;
    private final LocalTime dailyAt;
    private final Duration healthEvery;
    private final Duration quickEvery;
    private final Duration quickBudget;
    private final List<Job> jobs = new ArrayList<>();
    private ScheduledExecutorService executor;
    private volatile boolean paused;

    MaintenanceScheduler(Runner runner, Clock clock, ZoneId zone, LocalTime dailyAt, Duration healthEvery, Duration quickEvery,
                         Duration quickBudget) {
        this.runner = runner;
        this.clock = clock;
        this.zone = zone;
        this.dailyAt = dailyAt;
        this.healthEvery = healthEvery;
        this.quickEvery = quickEvery;
        this.quickBudget = quickBudget;
        jobs.add(new Job(RunKind.DAILY));
        jobs.add(new Job(RunKind.HEALTH));
        jobs.add(new Job(RunKind.QUICK_CLEANUP));
    }

    /** Starts the schedule; a daily run missed while the app was off runs now, once. */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Threads.daemon("botops-maintenance-scheduler"));
        Instant now = clock.instant();
        for (Job job : jobs) {
            Instant next;
            try {
                next = firstRun(job.kind, now);
            } catch (RuntimeException e) {
                log.warn("Could not read the last {} run ({}); scheduling it normally", job.kind, e.getMessage());
                next = job.kind == RunKind.DAILY ? Schedule.nextDaily(now, dailyAt, zone) : now.plus(every(job.kind));
            }
            schedule(job, next);
        }
        log.info("Maintenance schedule started: daily at {} {}, health every {}, quick cleanup every {}", dailyAt, zone, healthEvery,
                quickEvery);
    }

    private Instant firstRun(RunKind kind, Instant now) {
        Instant last = runner.lastStart(kind).orElse(null);
        if (kind == RunKind.DAILY) {
            if (Schedule.dailyMissed(last, runner.installedAt().orElse(null), now, dailyAt, zone)) {
                log.info("The daily maintenance due at {} did not run (last daily run: {}); catching up now",
                        Schedule.previousDaily(now, dailyAt, zone), last);
                return now;
            }
            return Schedule.nextDaily(now, dailyAt, zone);
        }
        return Schedule.nextInterval(last, every(kind), now);
    }

    private Duration every(RunKind kind) {
        return kind == RunKind.HEALTH ? healthEvery : quickEvery;
    }

    private RunRequest request(RunKind kind) {
        switch (kind) {
            case DAILY:
                return RunRequest.daily();
            case HEALTH:
                return RunRequest.health();
            default:
                return RunRequest.quickCleanup(quickBudget);
        }
    }

    private synchronized void schedule(Job job, Instant at) {
        if (executor == null) {
            return;
        }
        job.nextRun = at;
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        ScheduledExecutorService current = executor;
        current.schedule(() -> fire(job, current), delay, TimeUnit.MILLISECONDS);
    }

    private void fire(Job job, ScheduledExecutorService owner) {
        Instant started = clock.instant();
        try {
            if (paused) {
                job.record(started, Outcome.SKIPPED, "The schedule is paused.");
                log.info("Scheduled {} skipped: the schedule is paused", job.kind);
                return;
            }
            StartResult result = runner.start(request(job.kind), Trigger.SCHEDULE, CALLER);
            if (!result.started()) {
                job.record(started, Outcome.SKIPPED, result.reason());
                return;
            }
            RunReport report = result.completion().get();
            job.record(started, report == null ? Outcome.FAILED : report.outcome(), report == null ? "no report" : report.error());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | RuntimeException e) {
            job.record(started, Outcome.FAILED, e.getMessage());
            log.warn("Scheduled {} failed: {}", job.kind, e.getMessage());
        } finally {
            rescheduleIfCurrent(job, owner, started);
        }
    }

    private synchronized void rescheduleIfCurrent(Job job, ScheduledExecutorService owner, Instant started) {
        if (executor != owner || owner.isShutdown()) {
            return;
        }
        Instant now = clock.instant();
        schedule(job, job.kind == RunKind.DAILY ? Schedule.nextDaily(now, dailyAt, zone) : Schedule.nextInterval(started, every(job.kind), now));
    }

    /** Stops firing; a run in progress goes on (the service cancels it on close). Restartable with {@link #start}. */
    public void stop() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = executor;
            executor = null;
            for (Job job : jobs) {
                job.nextRun = null;
            }
        }
        if (stopping == null) {
            return;
        }
        Threads.shutdownNow(stopping, STOP_TIMEOUT, "The maintenance scheduler thread");
        log.info("Maintenance schedule stopped");
    }

    /** Paused jobs come due as usual but do nothing until {@link #resume}. */
    public void pause() {
        paused = true;
        log.info("Maintenance schedule paused");
    }

    public void resume() {
        paused = false;
        log.info("Maintenance schedule resumed");
    }

    public synchronized SchedulerState state() {
        List<SchedulerState.Job> states = new ArrayList<>();
        for (Job job : jobs) {
            states.add(new SchedulerState.Job(job.kind, job.nextRun, job.lastRun, job.lastOutcome, job.lastMessage));
        }
        return new SchedulerState(executor != null, paused, states);
    }

    @Override
    public void close() {
        stop();
    }

    /** A job's mutable state; guarded by the scheduler's monitor for reads, written by the scheduler thread. */
    private final class Job {
        final RunKind kind;
        Instant nextRun;
        Instant lastRun;
        Outcome lastOutcome;
        String lastMessage;

        Job(RunKind kind) {
            this.kind = kind;
        }

        void record(Instant at, Outcome outcome, String message) {
            synchronized (MaintenanceScheduler.this) {
                lastRun = at;
                lastOutcome = outcome;
                lastMessage = message;
            }
        }
    }
}
