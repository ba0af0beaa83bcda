package dev.botops.app;

import dev.botops.config.Settings;
import dev.botops.db.DatabaseException;
import dev.botops.maintenance.ArchiveRestorer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code botops archive}: the archives of rows that retention deleted. */
@Command(name = "archive", mixinStandardHelpOptions = true, description = "Work with the archives of deleted rows.",
        subcommands = ArchiveCommand.Restore.class)
public final class ArchiveCommand implements Callable<Integer> {
    @ParentCommand
    BotOpsCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Launcher.EXIT_CONFIG;
    }

    /** {@code botops archive restore FILE [--into TABLE]}. */
    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Load an archive (gzip JSON Lines written by a cleanup) back into its table, or into --into TABLE with the "
                    + "same columns. Restoring a file twice adds nothing the second time: rows whose primary or unique key is already "
                    + "there are skipped; in a table without such a key, rows identical in every column to one already there are.",
                    "Exit codes: 0 done; 1 failed; 2 bad usage, a file that is no archive, a table maintenance does not act on, or rows "
                            + "that do not fit the table; 3 database unreachable."})
    static final class Restore implements Callable<Integer> {
        @ParentCommand
        ArchiveCommand archive;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The archive file (<schema>.<table>-run<id>-<time>.jsonl.gz).")
        Path file;

        @Option(names = "--into", paramLabel = "TABLE",
                description = "Restore into this table (schema.table) instead of the one the file was archived from.")
        String into;

        @Override
        public Integer call() {
            Settings settings = archive.parent.options.load();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isRegularFile(file)) {
                err.println("No archive file " + file.toAbsolutePath() + ".");
                return Launcher.EXIT_CONFIG;
            }
            try (AppContext context = AppContext.start(settings)) {
                ArchiveRestorer.RestoreReport report = context.maintenance().restoreArchive(file, Optional.ofNullable(into));
                out.printf("Restored %,d of %,d archived row(s) from %s into %s; %,d already present.%n", report.restored(),
                        report.rowsInArchive(), file, report.table(), report.alreadyPresent());
                if (!report.keyed()) {
                    out.println(report.table() + " has no primary key or unique index: a row identical in every column to one already in "
                            + "the table counted as present, and identical rows of the archive were restored once.");
                }
                if (report.cutShort()) {
                    out.println("The file ends in a batch the archiving run did not finish writing (it stopped meanwhile); that batch "
                            + "did not commit, so its rows are still in the table or in the next run's archive.");
                }
                out.flush();
                return 0;
            } catch (IllegalArgumentException e) {
                err.println("Nothing restored: " + e.getMessage());
                return Launcher.EXIT_CONFIG;
            } catch (DatabaseException e) {
                return failed(e, err);
            }
        }

        private int failed(DatabaseException e, PrintWriter err) {
            if (e.kind() == DatabaseException.Kind.UNAVAILABLE || e.kind() == DatabaseException.Kind.POOL_EXHAUSTED) {
                err.println("Database unreachable: " + e.getMessage());
                return StatusCommand.EXIT_UNREACHABLE;
            }
            String state = e.sqlState() == null ? "" : e.sqlState();
            if (state.startsWith("22") || state.startsWith("23") || state.startsWith("42")) {
                // Wrong types, a NOT NULL column the archive has no value for, a column missing: the rows do not fit.
                err.println("The archived rows do not fit " + (into != null ? into : "the table") + " (chunks before the failing one "
                        + "were restored; running the restore again continues): " + e.getMessage());
                return Launcher.EXIT_CONFIG;
            }
            err.println("Restore failed (chunks before the failure were restored; running it again continues): " + e.getMessage());
            return 1;
        }
    }
}
