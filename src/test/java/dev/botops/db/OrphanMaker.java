package dev.botops.db;

import java.nio.file.Path;

/** Run in a child JVM by {@link EmbeddedPostgresServerTest}: starts the server, then waits to be killed. */
public final class OrphanMaker {
    private OrphanMaker() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedPostgresServer.startOrAttach(Path.of(args[0]), 0);
        System.out.println("STARTED");
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
