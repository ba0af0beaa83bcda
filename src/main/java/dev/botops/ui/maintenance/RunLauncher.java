package dev.botops.ui.maintenance;

import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.ui.common.TaskExecutor;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The run helper the Maintenance screen's panels share: starts a run, one at a time from this screen ({@link #busy()}),
 * says on the screen's message line what went wrong, and follows the run to its report through the run's completion,
 * so no thread waits for it. After every run, started or refused, the screen reloads what runs change.
 */
final class RunLauncher {
    /** A panel's side of one run; every callback comes on the UI thread. */
    interface Run {
        /** The run has its id (a cleanup can now be cancelled). */
        default void started(long runId) {
        }

        void finished(RunReport report);

        /** It did not start; the message line says why. */
        default void notStarted() {
        }

        /** It ended without a report; the message line says so. */
        default void lost() {
        }
    }

    private final MaintenanceSource source;
    private final TaskExecutor tasks;
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private Runnable afterRun = () -> { };

    RunLauncher(MaintenanceSource source, TaskExecutor tasks) {
        this.source = source;
        this.tasks = tasks;
    }

    /** Called (on the UI thread) after every run this screen started ended, or did not start. */
    void afterEachRun(Runnable reload) {
        this.afterRun = reload;
    }

    /** The last thing that happened or went wrong, in a sentence. */
    ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    void say(String text) {
        message.set(text);
    }

    /** A run started from this screen is starting or active: the other run buttons wait. */
    ReadOnlyBooleanProperty busy() {
        return busy.getReadOnlyProperty();
    }

    /** Starts the run unless one started here is still going; returns whether it was asked for. */
    boolean start(String name, RunRequest request, Run run) {
        if (busy.get()) {
            return false;
        }
        busy.set(true);
        tasks.run(name, () -> source.start(request), start -> {
            if (!start.started()) {
                ended(start.reason());
                run.notStarted();
                return;
            }
            run.started(start.runId());
            tasks.follow(start.completion(), report -> {
                busy.set(false);
                run.finished(report);
                afterRun.run();
            }, error -> {
                ended("Run " + start.runId() + " ended without a report: " + error.getMessage() + ". See the run history.");
                run.lost();
            });
        }, error -> {
            ended("Could not start the " + name + ": " + error.getMessage());
            run.notStarted();
        });
        return true;
    }

    private void ended(String why) {
        busy.set(false);
        message.set(why);
        afterRun.run();
    }
}
