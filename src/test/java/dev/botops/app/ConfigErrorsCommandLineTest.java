package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.LauncherProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, as a user runs it: a bad value is reported with the name the user typed, never a secret. */
class ConfigErrorsCommandLineTest {
    @TempDir
    Path dir;

    @Test
    void badDatabaseUrlInTheEnvironmentIsReportedByItsVariableName() throws Exception {
        ProcessBuilder builder = LauncherProcess.builder(List.of("-Dbotops.log.dir=" + dir.resolve("logs")), List.of("status"));
        builder.environment().put("DATABASE_URL", "postgres://u:p4ssw0rd@db.example:notaport/x");
        builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        builder.environment().put("BOTOPS_DATA_DIR", dir.resolve("data").toString());
        Path err = dir.resolve("stderr.txt");
        Process process = builder.redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(Launcher.EXIT_CONFIG);
            assertThat(read(err)).contains("Configuration error: Invalid value for environment variable DATABASE_URL (database.url): "
                    + "'postgres://u:****@db.example:notaport/x'. The port must be a number from 1 to 65535.")
                    .doesNotContain("p4ssw0rd");
        } finally {
            process.destroyForcibly();
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
