package dev.botops.bot;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bot's exactly-once path behind a real PgBouncer in transaction mode, with the pooler's plain URL: a trade
 * whose server connections are terminated in the middle is applied once, with one reply.
 */
@Tag("pooler")
@Tag("core")
class ExactlyOnceThroughPoolerTest {
    @RegisterExtension
    final BotFixture fixture = BotFixture.behindPgBouncer();

    @Test
    void aTradeInterruptedByTerminatedBackendsBehindATransactionPoolerIsAppliedOnceWithOneReply() throws Exception {
        ExactlyOnceTest.tradeInterruptedByTerminatedBackendsIsAppliedOnceWithOneReply(fixture);
    }
}
