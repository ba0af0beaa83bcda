package dev.botops.http;

import static dev.botops.http.HttpTestClient.error;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.botops.monitor.AdminSql;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 14, point 2: VACUUM over HTTP acts only on the database's own tables; anything else is a 400 saying why. */
@ExtendWith(PostgresExtension.class)
class MaintenanceTablesOverHttpTest {
    private static final String TOKEN = "s3cret-token-for-the-table-rule";

    @RegisterExtension
    static final AppPerClass APP = new AppPerClass(TOKEN);

    @Test
    void vacuumOfASystemCatalogIs400SayingWhyAndRunsNothing(TestDatabase testDb) {
        AdminSql sql = new AdminSql(testDb.admin());
        long runsBefore = sql.queryLong("SELECT count(*) FROM maintenance_runs");

        JsonNode body = error(APP.http().post("/database/vacuum?table=pg_catalog.pg_class", TOKEN), 400);

        assertThat(body.get("message").asText()).isEqualTo("pg_catalog.pg_class is a system catalog table: maintenance acts only on "
                + "the database's own tables, never on pg_catalog or information_schema (PostgreSQL maintains those itself).");
        assertThat(sql.queryLong("SELECT count(*) FROM maintenance_runs")).isEqualTo(runsBefore);
    }

    @Test
    void vacuumOfAnInformationSchemaTableIs400(TestDatabase testDb) {
        JsonNode body = error(APP.http().post("/database/vacuum?table=information_schema.sql_features", TOKEN), 400);

        assertThat(body.get("message").asText()).contains("information_schema.sql_features is a system catalog table");
    }
}
