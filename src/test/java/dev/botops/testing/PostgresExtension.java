package dev.botops.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class its own fresh, migrated database on the JVM's shared test server. Use with
 * {@code @ExtendWith(PostgresExtension.class)} and take a {@link TestDatabase} parameter in a
 * constructor, a {@code @BeforeAll}/{@code @BeforeEach} method or a test.
 */
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return database(extensionContext);
    }

    /**
     * The test class's database, for other extensions that build on it (such as a fixture that starts services on
     * it before each test). Created on first use and dropped after the class, as for a parameter.
     */
    public static TestDatabase database(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getParent().isPresent() && classContext.getTestMethod().isPresent()) {
            classContext = classContext.getParent().get();
        }
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext.Store classStore = classContext.getStore(NS);
        return classStore.getOrComputeIfAbsent("db:" + testClass.getName(), k -> {
            TestServer server = server(context);
            return new DatabaseResource(server, server.newDatabase(testClass.getSimpleName()));
        }, DatabaseResource.class).database;
    }

    /** The JVM's shared test server. */
    static TestServer server(ExtensionContext context) {
        return context.getRoot().getStore(NS)
                .getOrComputeIfAbsent("server", k -> new ServerResource(TestServer.start()), ServerResource.class).server;
    }

    private static final class ServerResource implements ExtensionContext.Store.CloseableResource {
        final TestServer server;

        ServerResource(TestServer server) {
            this.server = server;
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    private static final class DatabaseResource implements ExtensionContext.Store.CloseableResource {
        final TestServer server;
        final TestDatabase database;

        DatabaseResource(TestServer server, TestDatabase database) {
            this.server = server;
            this.database = database;
        }

        @Override
        public void close() {
            server.dropDatabase(database.name());
        }
    }
}
