package dev.botops.testing;

import org.testcontainers.containers.PostgreSQLContainer;

/** Optional: a PostgreSQL 17 container (needs Docker, which these machines do not have). */
final class TestcontainersServer {
    private TestcontainersServer() {
    }

    @SuppressWarnings("resource")
    static TestServer start() {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17-alpine");
        container.start();
        return TestServer.of(container.getHost(), container.getMappedPort(5432), container.getUsername(),
                container.getPassword(), container.getDatabaseName(), container::stop);
    }
}
