package dev.botops.db;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * One migration file, {@code db/migration/V<version>__<description>.sql} on the class path: plain SQL with
 * unqualified names, run in one transaction whose search path is BotOps' schema. {@code V2_1} is version 2.1;
 * versions compare part by part as numbers.
 *
 * @param checksum SHA-256 of the file's lines joined with {@code \n}, so a checkout with other line endings
 *                 has the same checksum
 */
record Migration(Version version, String description, String script, String sql, String checksum) {
    static final String LOCATION = "db/migration";
    private static final Pattern NAME = Pattern.compile("V(\\d+(?:_\\d+)*)__(\\w+)\\.sql");

    /** A migration version: numbers compared in order, {@code 2.1 < 2.10 < 10}. */
    record Version(List<Integer> parts) implements Comparable<Version> {
        Version {
            parts = List.copyOf(parts);
        }

        static Version parse(String text) {
            List<Integer> parts = new ArrayList<>();
            for (String part : text.split("[._]")) {
                parts.add(Integer.parseInt(part));
            }
            return new Version(parts);
        }

        @Override
        public int compareTo(Version other) {
            for (int i = 0; i < Math.max(parts.size(), other.parts.size()); i++) {
                int a = i < parts.size() ? parts.get(i) : 0;
                int b = i < other.parts.size() ? other.parts.get(i) : 0;
                if (a != b) {
                    return Integer.compare(a, b);
                }
            }
            return 0;
        }

        @Override
        public String toString() {
            return String.join(".", parts.stream().map(String::valueOf).toList());
        }
    }

    /** Every migration on the class path, in version order (read once: the class path does not change). */
    static List<Migration> all() {
        return Loaded.ALL;
    }

    /** Read on first use, by the class loader's lazy initialisation. */
    private static final class Loaded {
        static final List<Migration> ALL = load();
    }

    private static List<Migration> load() {
        TreeMap<Version, Migration> found = new TreeMap<>();
        for (String script : scripts()) {
            Matcher m = NAME.matcher(script);
            if (!m.matches()) {
                throw new IllegalStateException("Migration file " + LOCATION + "/" + script
                        + " is not named V<version>__<description>.sql (e.g. V6_1__schema_history.sql)");
            }
            Version version = Version.parse(m.group(1));
            String sql = read(LOCATION + "/" + script);
            Migration migration = new Migration(version, m.group(2).replace('_', ' '), script, sql, checksum(sql));
            Migration clash = found.put(version, migration);
            if (clash != null && !clash.script().equals(script)) {
                throw new IllegalStateException("Migrations " + clash.script() + " and " + script + " have the same version " + version);
            }
        }
        return List.copyOf(found.values());
    }

    /**
     * The checksum Flyway 10 recorded for this file in {@code flyway_schema_history} (as 0.1.0 ran it): a CRC-32
     * over the UTF-8 bytes of each line without its line break, a byte-order mark dropped.
     */
    int flywayChecksum() {
        CRC32 crc = new CRC32();
        lines(sql).forEach(line -> crc.update(line.getBytes(StandardCharsets.UTF_8)));
        return (int) crc.getValue();
    }

    private static String checksum(String sql) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(String.join("\n", lines(sql)).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static List<String> lines(String text) {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try (BufferedReader reader = new BufferedReader(new java.io.StringReader(body))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** File names in {@value #LOCATION}, from directories (tests, {@code mvn exec}) and jars (the packaged app). */
    private static List<String> scripts() {
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> roots = Migration.class.getClassLoader().getResources(LOCATION);
            for (URL root : Collections.list(roots)) {
                if (root.getProtocol().equals("file")) {
                    try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
                        files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).forEach(names::add);
                    }
                } else {
                    URLConnection connection = root.openConnection();
                    if (!(connection instanceof JarURLConnection)) {
                        throw new IllegalStateException("Cannot list migrations at " + root);
                    }
                    connection.setUseCaches(false);
                    try (JarFile jar = ((JarURLConnection) connection).getJarFile()) {
                        for (JarEntry entry : Collections.list(jar.entries())) {
                            String name = entry.getName();
                            if (name.startsWith(LOCATION + "/") && name.endsWith(".sql") && name.indexOf('/', LOCATION.length() + 1) < 0) {
                                names.add(name.substring(LOCATION.length() + 1));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the migrations in " + LOCATION, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Could not list the migrations in " + LOCATION, e);
        }
        return names;
    }

    private static String read(String resource) {
        try (InputStream in = Migration.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Migration " + resource + " disappeared from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + resource, e);
        }
    }

    static String versionOf(List<Migration> migrations) {
        return migrations.isEmpty() ? "none" : migrations.get(migrations.size() - 1).version().toString();
    }

    /** For people: {@code 2.1 (table size samples)}. */
    String display() {
        return version + " (" + description + ")";
    }
}
