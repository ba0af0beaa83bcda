package dev.botops.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.CyclicTimeout;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 connections whose requests must arrive in time. Jetty's idle timeout starts again with every byte
 * received, so a client trickling a header byte a second would hold its connection for as long as it likes:
 * here a request's line and headers must be complete within the header timeout of its first byte, and its
 * body within the body timeout of the end of its headers, or the connection is closed. Between requests only
 * the idle timeout applies. One {@link CyclicTimeout} per connection: re-arming it for each request is an
 * atomic update, not a new scheduled task.
 */
final class DeadlineHttpConnectionFactory extends HttpConnectionFactory {
    private static final Logger log = LoggerFactory.getLogger(DeadlineHttpConnectionFactory.class);

    private final long headerNanos;
    private final long bodyNanos;

    DeadlineHttpConnectionFactory(HttpConfiguration configuration, Duration headerTimeout, Duration bodyTimeout) {
        super(configuration);
        this.headerNanos = headerTimeout.toNanos();
        this.bodyNanos = bodyTimeout.toNanos();
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        DeadlineConnection connection = new DeadlineConnection(getHttpConfiguration(), connector, endPoint);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    private final class DeadlineConnection extends HttpConnection {
        private final CyclicTimeout deadline;
        private volatile String awaited = "";

        DeadlineConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
            super(configuration, connector, endPoint);
            this.deadline = new CyclicTimeout(connector.getScheduler()) {
                @Override
                public void onTimeoutExpired() {
                    expired();
                }
            };
        }

        /** Called by the parser, on the thread that reads this connection, one request at a time. */
        @Override
        protected RequestHandler newRequestHandler() {
            return new RequestHandler() {
                @Override
                public void messageBegin() {
                    arm(headerNanos, "request line and headers");
                    super.messageBegin();
                }

                @Override
                public boolean headerComplete() {
                    arm(bodyNanos, "request body");
                    return super.headerComplete();
                }

                @Override
                public boolean messageComplete() {
                    deadline.cancel();
                    return super.messageComplete();
                }
            };
        }

        private void arm(long nanos, String what) {
            awaited = what;
            deadline.schedule(nanos, TimeUnit.NANOSECONDS);
        }

        private void expired() {
            String what = awaited;
            log.debug("Closing HTTP connection from {}: its {} did not arrive in time", getEndPoint().getRemoteSocketAddress(), what);
            getEndPoint().close(new TimeoutException(what + " not received in time"));
        }

        @Override
        public void onClose(Throwable cause) {
            deadline.destroy();
            super.onClose(cause);
        }
    }
}
