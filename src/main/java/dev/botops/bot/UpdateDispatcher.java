package dev.botops.bot;

import dev.botops.bot.trading.IncomingMessage;
import dev.botops.bot.trading.UpdateProcessor;
import dev.botops.db.DatabaseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * Applies a batch of updates: one user's updates in order, different users in parallel on the bot's workers.
 * Each update is applied exactly once ({@link UpdateProcessor}); its reply is queued after the commit, and only
 * the first time this process answers that update id.
 */
final class UpdateDispatcher {
    private static final Logger log = LoggerFactory.getLogger(UpdateDispatcher.class);
    static final String APOLOGY = "Sorry, something went wrong with that command; nothing was changed. Please try again later.";

    private final UpdateProcessor processor;
    private final OutgoingSender sender;
    private final BotCounters counters;
    private final ExecutorService workers;
    private final AnsweredUpdates answered = new AnsweredUpdates();

    /** The database failed in the middle of a batch; what was committed is recognised when the batch comes again. */
    static final class BatchFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BatchFailed(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    UpdateDispatcher(UpdateProcessor processor, OutgoingSender sender, BotCounters counters, ExecutorService workers) {
        this.processor = processor;
        this.sender = sender;
        this.counters = counters;
        this.workers = workers;
    }

    /**
     * Applies the batch; returns the offset after it.
     *
     * @throws BatchFailed when the database failed: fetch the batch again after a pause
     */
    long dispatch(List<Update> batch, long offset) {
        Map<Long, List<IncomingMessage>> byUser = new LinkedHashMap<>();
        long maxId = offset - 1;
        for (Update update : batch) {
            maxId = Math.max(maxId, update.getUpdateId());
            IncomingMessage message = incoming(update);
            if (message == null) {
                counters.update();
                continue;
            }
            byUser.computeIfAbsent(message.userId(), id -> new ArrayList<>()).add(message);
        }
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (List<IncomingMessage> messages : byUser.values()) {
            work.add(CompletableFuture.runAsync(() -> messages.forEach(this::handle), workers));
        }
        try {
            CompletableFuture.allOf(work.toArray(new CompletableFuture[0])).join();
            return maxId + 1;
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            counters.error("Database unavailable while processing updates: " + cause.getMessage());
            log.warn("Database trouble while processing updates; the batch will be fetched again", cause);
            throw new BatchFailed(cause);
        }
    }

    /** Text messages become commands; edited messages and messages without text are ignored. */
    static IncomingMessage incoming(Update update) {
        if (!update.hasMessage()) {
            return null;
        }
        Message message = update.getMessage();
        if (!message.hasText() || message.getFrom() == null) {
            return null;
        }
        return new IncomingMessage(update.getUpdateId(), message.getChatId(), message.getFrom().getId(),
                message.getFrom().getFirstName(), message.getText());
    }

    private void handle(IncomingMessage message) {
        UpdateProcessor.Outcome outcome;
        try {
            outcome = processor.process(message);
        } catch (DatabaseException e) {
            if (e.kind() != DatabaseException.Kind.FAILED) {
                throw e;
            }
            outcome = skipBroken(message, e);
        } catch (RuntimeException e) {
            outcome = skipBroken(message, e);
        }
        counters.update();
        if (outcome.reply() != null && answered.firstAnswer(message.updateId())) {
            sender.send(message.chatId(), outcome.reply(), OutgoingSender.Lane.USER);
        }
    }

    /** A permanent failure (a bug, a constraint): the update is recorded with an apology so the bot moves on. */
    private UpdateProcessor.Outcome skipBroken(IncomingMessage message, RuntimeException e) {
        counters.error("Update " + message.updateId() + " could not be processed and was skipped: " + e.getMessage());
        log.error("Update {} could not be processed and is skipped", message.updateId(), e);
        return processor.recordFailure(message, APOLOGY);
    }
}
