package dev.botops.channels;

import dev.botops.monitor.AdminSql;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For alert delivery tests: before each test, no alerts or silences in the class's database and a fresh local
 * webhook receiver; after it, everything the test {@link #own owned} closed in reverse order, the receiver last.
 * Register with {@code @RegisterExtension} beside {@code @ExtendWith(PostgresExtension.class)}.
 */
public final class DeliveryFixture implements BeforeEachCallback, AfterEachCallback {
    private final List<AutoCloseable> owned = new ArrayList<>();
    private TestDatabase database;
    private AdminSql sql;
    private WebhookReceiver receiver;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        database = PostgresExtension.database(context);
        sql = new AdminSql(database.admin());
        sql.execute("DELETE FROM alerts", "DELETE FROM alert_silences");
        receiver = own(new WebhookReceiver());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }

    /** Closed after the test, in reverse order of owning. */
    public <T extends AutoCloseable> T own(T closeable) {
        owned.add(closeable);
        return closeable;
    }

    public TestDatabase database() {
        return database;
    }

    public AdminSql sql() {
        return sql;
    }

    public WebhookReceiver receiver() {
        return receiver;
    }
}
