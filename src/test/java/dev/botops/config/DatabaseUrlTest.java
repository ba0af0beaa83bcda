package dev.botops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseUrlTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "postgres://bot:s3cret@db.example.com:5432/trading?sslmode=require | db.example.com | 5432 | trading | bot | s3cret | require",
        "postgresql://bot:s3cret@db.example.com/trading | db.example.com | 5432 | trading | bot | s3cret | NULL",
        "postgres://bot@db.example.com:6543/trading | db.example.com | 6543 | trading | bot | NULL | NULL",
        "postgres://db.example.com/trading | db.example.com | 5432 | trading | NULL | NULL | NULL",
        "postgres://bot:p%40ss%3Aw%2Fo%25rd@host:5432/db | host | 5432 | db | bot | p@ss:w/o%rd | NULL",
        "postgres://bot:p%C3%A4ss@host/db | host | 5432 | db | bot | päss | NULL",
        "postgres://bot:pa@ss@host/db | host | 5432 | db | bot | pa@ss | NULL",
        "postgresql://bot:pw@[::1]:5433/db | ::1 | 5433 | db | bot | pw | NULL",
        "postgresql://[2001:db8::7]/db?sslmode=verify-full | 2001:db8::7 | 5432 | db | NULL | NULL | verify-full",
        "jdbc:postgresql://localhost:5432/botops | localhost | 5432 | botops | NULL | NULL | NULL",
        "jdbc:postgresql://localhost/botops?user=me&password=pw&sslmode=disable | localhost | 5432 | botops | me | pw | disable",
        "POSTGRES://Bot:PW@Host.Example:5432/Db | Host.Example | 5432 | Db | Bot | PW | NULL",
        "  postgres://u:pw9@h:1/d  | h | 1 | d | u | pw9 | NULL",
    })
    void parsesTheFormsProvidersHandOut(String url, String host, int port, String database, String user,
                                        String password, String sslMode) {
        DatabaseUrl parsed = DatabaseUrl.parse(url);
        assertThat(parsed.host()).isEqualTo(host);
        assertThat(parsed.port()).isEqualTo(port);
        assertThat(parsed.database()).isEqualTo(database);
        assertThat(parsed.user()).isEqualTo(user);
        assertThat(parsed.password()).isEqualTo(password);
        assertThat(parsed.parameters().get("sslmode")).isEqualTo(sslMode);
        assertThat(parsed.jdbcUrl()).startsWith("jdbc:postgresql://").doesNotContain("password");
        if (password != null) {
            assertThat(parsed.display()).doesNotContain(password).contains(Secrets.MASK);
            assertThat(parsed.toString()).doesNotContain(password);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "garbage | not PostgreSQL",
        "mysql://u:p@h/db | not PostgreSQL",
        "postgres://u:secretpw@h:5432 | database name is missing",
        "postgres://u:secretpw@h:5432/ | database name is missing",
        "postgres://u:secretpw@:5432/db | host name is missing",
        "postgres://u:secretpw@h:99999/db | port must be",
        "postgres://u:secretpw@h:0/db | port must be",
        "postgres://u:secretpw@h:abc/db | port must be",
        "postgres://u:secretpw@h/db?sslmode=sometimes | sslmode must be one of",
        "postgres://u:secretpw@[::1/db | IPv6",
        "postgres://u:secret%zzpw@h/db | hex digits",
        "postgres://:secretpw@h/db | user name",
        "postgres://u:secretpw@h1:5432,h2:5432/db | Several hosts",
        "jdbc:postgresql://u:secretpw@h/db | ?user=",
        "postgres://u:secretpw@h/db?novalue | name=value",
    })
    void rejectsBadUrlsNamingTheKeyWithoutShowingThePassword(String url, String reason) {
        assertThatThrownBy(() -> DatabaseUrl.parse(url))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.url")
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretpw"));
    }

    @org.junit.jupiter.api.Test
    void emptyUrlIsRejectedWhenParsedDirectly() {
        assertThatThrownBy(() -> DatabaseUrl.parse(" ")).isInstanceOf(ConfigException.class).hasMessageContaining("empty");
    }

    @org.junit.jupiter.api.Test
    void separateUserAndPasswordOverrideTheUrlOnes() {
        Settings settings = SettingsLoader.fromProperties(Map.of(
                "database.url", "postgres://u:p@h/db", "database.user", "other", "database.password", "better"));
        DatabaseUrl url = settings.databaseUrl().orElseThrow();
        assertThat(url.user()).isEqualTo("other");
        assertThat(url.password()).isEqualTo("better");
    }
}
