package dev.botops.config;

import dev.botops.tls.TrustStoreSslFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A PostgreSQL location parsed from the forms hosted providers hand out
 * ({@code postgres://user:pass@host:5432/db?sslmode=require}, {@code postgresql://...}) and from plain
 * {@code jdbc:postgresql://host:port/db?user=...&password=...}. User and password are kept apart from the
 * JDBC URL so that the URL can be shown and logged as it is.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password,
                          Map<String, String> parameters) {

    private static final String KEY = ConfigKey.DATABASE_URL.property();
    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final String ALLOWED = "Use postgres://user:password@host:5432/database (percent-encode special characters "
            + "in the password), postgresql://..., or jdbc:postgresql://host:5432/database.";

    public DatabaseUrl {
        parameters = Map.copyOf(parameters);
    }

    public static DatabaseUrl parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw ConfigException.invalid(KEY, "", "It is empty. " + ALLOWED);
        }
        String text = raw.trim();
        String shown = Secrets.maskUrl(text);
        String rest;
        boolean jdbc;
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql://")) {
            rest = text.substring("jdbc:postgresql://".length());
            jdbc = true;
        } else if (lower.startsWith("postgresql://")) {
            rest = text.substring("postgresql://".length());
            jdbc = false;
        } else if (lower.startsWith("postgres://")) {
            rest = text.substring("postgres://".length());
            jdbc = false;
        } else {
            throw ConfigException.invalid(KEY, shown, "The scheme is not PostgreSQL. " + ALLOWED);
        }

        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        String path = slash >= 0 ? rest.substring(slash + 1) : "";

        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            if (jdbc) {
                throw ConfigException.invalid(KEY, shown, "jdbc: URLs take the user and password as ?user=...&password=... " + ALLOWED);
            }
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, shown);
            password = colon >= 0 ? decode(userInfo.substring(colon + 1), shown) : null;
            if (user.isEmpty()) {
                throw ConfigException.invalid(KEY, shown, "The user name before '@' is empty. " + ALLOWED);
            }
        }

        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw ConfigException.invalid(KEY, shown, "An IPv6 host must be closed with ']'. " + ALLOWED);
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw ConfigException.invalid(KEY, shown, "Unexpected text after the IPv6 host. " + ALLOWED);
                }
                portText = after.substring(1);
            }
            if (host.isEmpty() || !host.contains(":")) {
                throw ConfigException.invalid(KEY, shown, "The text in brackets is not an IPv6 address. " + ALLOWED);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0) {
                host = authority.substring(0, colon);
                portText = authority.substring(colon + 1);
            } else {
                host = authority;
            }
            if (host.contains(",")) {
                throw ConfigException.invalid(KEY, shown, "Several hosts are not supported; name one. " + ALLOWED);
            }
        }
        if (host.isEmpty()) {
            throw ConfigException.invalid(KEY, shown, "The host name is missing. " + ALLOWED);
        }
        if (!host.matches("[A-Za-z0-9._:%-]+")) {
            throw ConfigException.invalid(KEY, shown, "The host name has characters a host cannot have. " + ALLOWED);
        }

        int port = 5432;
        if (portText != null) {
            if (!portText.matches("\\d{1,5}")) {
                throw ConfigException.invalid(KEY, shown, "The port must be a number from 1 to 65535. " + ALLOWED);
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw ConfigException.invalid(KEY, shown, "The port must be a number from 1 to 65535. " + ALLOWED);
            }
        }

        String database = decode(path, shown);
        if (database.isEmpty()) {
            throw ConfigException.invalid(KEY, shown, "The database name is missing (…:5432/<database>). " + ALLOWED);
        }
        if (database.contains("/")) {
            throw ConfigException.invalid(KEY, shown, "The database name cannot contain '/'. " + ALLOWED);
        }

        Map<String, String> params = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw ConfigException.invalid(KEY, shown, "Query parameters must look like name=value. " + ALLOWED);
                }
                String name = decode(pair.substring(0, eq), shown);
                String value = decode(pair.substring(eq + 1), shown);
                if (name.equals("user")) {
                    user = value;
                } else if (name.equals("password")) {
                    password = value;
                } else {
                    params.put(name, value);
                }
            }
        }
        String sslMode = params.get("sslmode");
        if (sslMode != null && !SSL_MODES.contains(sslMode)) {
            throw ConfigException.invalid(KEY, shown, "sslmode must be one of " + String.join(", ", SSL_MODES.stream().sorted().toList()) + ".");
        }
        return new DatabaseUrl(host, port, database, user, password, params);
    }

    /**
     * A JDBC URL without user or password: safe to show and log. With {@code sslmode=verify-ca} or {@code verify-full}
     * and no {@code sslrootcert} (or {@code sslrootcert=system}, as libpq spells it) and no {@code sslfactory} of the
     * user's, the server's certificate is verified against the JVM's trust store ({@link TrustStoreSslFactory}) rather
     * than the driver's {@code ~/.postgresql/root.crt}, which nobody has.
     */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        url.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append('/').append(database);
        Map<String, String> driverParameters = new LinkedHashMap<>(parameters);
        String sslMode = parameters.getOrDefault("sslmode", "");
        boolean verifies = sslMode.equals("verify-ca") || sslMode.equals("verify-full");
        if (verifies && !parameters.containsKey("sslfactory")
                && (!parameters.containsKey("sslrootcert") || parameters.get("sslrootcert").equals("system"))) {
            driverParameters.remove("sslrootcert");
            driverParameters.put("sslfactory", TrustStoreSslFactory.class.getName());
        }
        if (!driverParameters.isEmpty()) {
            url.append('?');
            boolean first = true;
            for (Map.Entry<String, String> e : driverParameters.entrySet()) {
                if (!first) {
                    url.append('&');
                }
                url.append(e.getKey()).append('=').append(e.getValue());
                first = false;
            }
        }
        return url.toString();
    }

    /** What to show a person: {@code postgresql://user:****@host:5432/db}. */
    public String display() {
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        String userPart = user == null ? "" : user + (password == null ? "" : ":" + Secrets.MASK) + "@";
        String ssl = parameters.containsKey("sslmode") ? "?sslmode=" + parameters.get("sslmode") : "";
        return "postgresql://" + userPart + hostPart + ":" + port + "/" + database + ssl;
    }

    public DatabaseUrl withCredentials(String newUser, String newPassword) {
        return new DatabaseUrl(host, port, database,
                newUser == null || newUser.isEmpty() ? user : newUser,
                newPassword == null || newPassword.isEmpty() ? password : newPassword,
                parameters);
    }

    @Override
    public String toString() {
        return display();
    }

    private static String decode(String text, String shown) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw ConfigException.invalid(KEY, shown, "A '%' must be followed by two hex digits. " + ALLOWED);
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw ConfigException.invalid(KEY, shown, "A '%' must be followed by two hex digits. " + ALLOWED);
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                int codePoint = text.codePointAt(i);
                byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
