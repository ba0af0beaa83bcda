package dev.botops.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.config.SettingsLoader;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.db.Work;
import dev.botops.testing.LauncherProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyStore;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sslmode=verify-full} as hosted plans use it, against a real PostgreSQL with {@code ssl=on} and a server
 * certificate (for {@code localhost}) signed by a CA made here with the JDK's keytool. The app runs in a child JVM
 * whose trust store holds that CA, as a JVM's cacerts holds the public CAs that providers' certificates chain to.
 */
class TlsVerificationTest {
    private static final String STORE_PASSWORD = "changeit";

    @TempDir
    static Path dir;

    private static EmbeddedPostgres server;
    private static Path trustStore;
    private static Path caPem;

    @BeforeAll
    static void serverWithACertificateFromATestCa() throws Exception {
        Path ca = dir.resolve("ca.p12");
        Path serverKeys = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=BotOps Test CA,O=BotOps Tests",
                "-ext", "bc:c", "-validity", "3", "-keystore", ca.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost,O=BotOps Tests",
                "-validity", "3", "-keystore", serverKeys.toString());
        keytool("-certreq", "-alias", "server", "-keystore", serverKeys.toString(), "-file", dir.resolve("server.csr").toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", dir.resolve("server.csr").toString(),
                "-outfile", dir.resolve("server.crt").toString(), "-rfc", "-validity", "3", "-ext", "SAN=dns:localhost",
                "-ext", "KU=digitalSignature,keyEncipherment", "-ext", "EKU=serverAuth");
        caPem = dir.resolve("ca.pem");
        keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-rfc", "-file", caPem.toString());
        trustStore = dir.resolve("trust.p12");
        keytool("-importcert", "-alias", "test-ca", "-file", caPem.toString(), "-keystore", trustStore.toString(), "-noprompt");

        Path key = dir.resolve("server.key");
        Files.writeString(key, pem("PRIVATE KEY", privateKey(serverKeys).getEncoded()), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        server = EmbeddedPostgres.builder()
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", dir.resolve("server.crt").toString())
                .setServerConfig("ssl_key_file", key.toString())
                .start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static String url(String host, String parameters) {
        return "postgresql://postgres@" + host + ":" + server.getPort() + "/postgres?" + parameters;
    }

    @Test
    void verifyFullWithoutARootCertificateTrustsTheJvmTrustStoreAndChecksTheHost() throws Exception {
        Result result = status(true, url("localhost", "sslmode=verify-full"), true);

        assertThat(result.exitCode).as(result.stderr).isNotEqualTo(3);
        assertThat(result.stderr).doesNotContain("root.crt").doesNotContain("Database unreachable");
    }

    @Test
    void certificateTheTrustStoreDoesNotTrustIsNamedWithWhatToSet() throws Exception {
        Result result = status(false, url("localhost", "sslmode=verify-full"), false);

        assertThat(result.exitCode).isEqualTo(3);
        assertThat(result.stderr).contains("The database server's certificate is not trusted: subject CN=localhost,O=BotOps Tests, "
                        + "issued by CN=BotOps Test CA,O=BotOps Tests")
                .contains("Set sslrootcert=/path/ca.pem in DATABASE_URL").contains("-Djavax.net.ssl.trustStore=")
                .doesNotContain("root.crt");
    }

    @Test
    void wrongHostNameFailsSayingWhichNamesTheCertificateHas() throws Exception {
        Result result = status(true, url("127.0.0.1", "sslmode=verify-full"), false);

        assertThat(result.exitCode).isEqualTo(3);
        assertThat(result.stderr).contains("The database server's certificate is not for the host BotOps connected to (127.0.0.1): "
                + "it names localhost (subject CN=localhost,O=BotOps Tests, issued by CN=BotOps Test CA,O=BotOps Tests)")
                .contains("sslmode=verify-ca");
    }

    @Test
    void verifyCaChecksTheIssuerButNotTheHost() throws Exception {
        Result result = status(true, url("127.0.0.1", "sslmode=verify-ca"), true);

        assertThat(result.exitCode).as(result.stderr).isNotEqualTo(3);
    }

    @Test
    void aRootCertificateFileIsStillUsedAsGiven() throws Exception {
        var url = dev.botops.config.DatabaseUrl.parse(url("localhost", "sslmode=verify-full&sslrootcert=" + caPem));
        var settings = SettingsLoader.fromProperties(Map.of());
        try (Database db = new Database(settings, new ConnectionTarget(url.jdbcUrl(), "postgres", "", "tls test", false))) {
            boolean ssl = db.withConnection(Work.CLI, c -> {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            });
            assertThat(ssl).isTrue();
        }
    }

    private record Result(int exitCode, String stderr) {
    }

    /** {@code botops status} in a child JVM, with the test CA in its trust store or with the JDK's own. */
    private static Result status(boolean trustTheTestCa, String databaseUrl, boolean connects) throws Exception {
        // A connection that should work gets time under load; one that should fail is retried only until the default.
        String connectTimeout = connects ? "30s" : "5s";
        List<String> jvm = new ArrayList<>(List.of("-Dbotops.log.dir=" + dir.resolve("logs")));
        if (trustTheTestCa) {
            jvm.addAll(List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + STORE_PASSWORD,
                    "-Djavax.net.ssl.trustStoreType=PKCS12"));
        }
        Path work = Files.createTempDirectory(dir, "status");
        ProcessBuilder builder = LauncherProcess.builder(jvm, List.of("status", "--set", "database.url=" + databaseUrl,
                "--set", "app.data-dir=" + work.resolve("data"), "--set", "database.connect-timeout=" + connectTimeout));
        builder.environment().put("XDG_CONFIG_HOME", work.resolve("config").toString());
        Path err = work.resolve("stderr.txt");
        Process process = builder.redirectOutput(work.resolve("stdout.txt").toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("status finished").isTrue();
            return new Result(process.exitValue(), Files.readString(err));
        } finally {
            process.destroyForcibly();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", STORE_PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static Key privateKey(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        return store.getKey("server", STORE_PASSWORD.toCharArray());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type
                + "-----\n";
    }
}
