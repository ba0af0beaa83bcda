package dev.botops.bot.telegram;

import dev.botops.concurrent.Threads;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.methods.updates.GetWebhookInfo;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.WebhookInfo;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * The bot's one door to the Bot API, through TelegramBots' {@link OkHttpTelegramClient}. Long polls run on
 * their own OkHttp client (own dispatcher) so that {@link #cancelPoll()} can abort an open long poll at once
 * when the bot stops, without touching replies being sent. Every failure comes out as a classified
 * {@link BotApiException} whose message has the token masked.
 */
public final class TelegramGateway implements AutoCloseable {
    private final BotToken token;
    private final ExecutorService pollThreads;
    private final ExecutorService sendThreads;
    private final OkHttpClient pollHttp;
    private final OkHttpClient sendHttp;
    private final OkHttpTelegramClient pollClient;
    private final OkHttpTelegramClient sendClient;
    /** Bumped by {@link #cancelPoll()}: a poll that fails after a bump was cancelled, whatever the I/O error says. */
    private final AtomicLong cancellations = new AtomicLong();

    /**
     * @param apiUrl      Bot API base URL such as {@code https://api.telegram.org} or the emulator's
     * @param pollTimeout the long-poll timeout; the read timeout of polls is a little longer
     */
    public TelegramGateway(BotToken token, String apiUrl, Duration pollTimeout) {
        this.token = token;
        TelegramUrl url = telegramUrl(apiUrl);
        // Idle connections are dropped before servers usually close them (the JDK server used by the emulator: 30 s).
        ConnectionPool connections = new ConnectionPool(8, 20, TimeUnit.SECONDS);
        this.pollThreads = daemonPool("bot-http-poll");
        this.sendThreads = daemonPool("bot-http-send");
        this.pollHttp = new OkHttpClient.Builder()
                .dispatcher(new Dispatcher(pollThreads))
                .connectionPool(connections)
                // Failures are the bot's to see, count and back off from; a silent retry would hide a flapping link.
                .retryOnConnectionFailure(false)
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(pollTimeout.plusSeconds(15))
                .callTimeout(pollTimeout.plusSeconds(30))
                .build();
        Dispatcher sendDispatcher = new Dispatcher(sendThreads);
        sendDispatcher.setMaxRequestsPerHost(16);
        this.sendHttp = new OkHttpClient.Builder()
                .dispatcher(sendDispatcher)
                .connectionPool(connections)
                // A silent resend could deliver a message twice; the sender retries explicitly instead.
                .retryOnConnectionFailure(false)
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(20))
                .callTimeout(Duration.ofSeconds(30))
                .build();
        this.pollClient = new OkHttpTelegramClient(pollHttp, token.value(), url);
        this.sendClient = new OkHttpTelegramClient(sendHttp, token.value(), url);
    }

    static TelegramUrl telegramUrl(String apiUrl) {
        URI uri = URI.create(apiUrl);
        String scheme = uri.getScheme() == null ? "https" : uri.getScheme();
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("http") ? 80 : 443;
        return new TelegramUrl(scheme, uri.getHost(), port, false);
    }

    private static ExecutorService daemonPool(String name) {
        return new ThreadPoolExecutor(0, 64, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), Threads.numberedDaemons(name));
    }

    public User getMe() throws BotApiException, InterruptedException {
        return call(sendClient, new GetMe());
    }

    public WebhookInfo webhookInfo() throws BotApiException, InterruptedException {
        return call(sendClient, new GetWebhookInfo());
    }

    /** Removes the webhook and keeps pending updates (they are ours to process). */
    public void deleteWebhook() throws BotApiException, InterruptedException {
        call(sendClient, new DeleteWebhook(false));
    }

    /** One getUpdates call; {@code offset} confirms every update below it. Aborted by {@link #cancelPoll()}. */
    public List<Update> getUpdates(long offset, int limit, Duration timeout) throws BotApiException, InterruptedException {
        GetUpdates request = GetUpdates.builder()
                .offset(Math.toIntExact(offset))
                .limit(limit)
                .timeout(Math.toIntExact(timeout.toSeconds()))
                .allowedUpdates(List.of("message", "edited_message"))
                .build();
        long generation = cancellations.get();
        try {
            return call(pollClient, request);
        } catch (InterruptedException e) {
            // The caller gave up (the bot is stopping), maybe before cancelPoll() could see the request: it runs on
            // OkHttp's threads and would stay open at Telegram with no reader, in the way of the next poller.
            pollHttp.dispatcher().cancelAll();
            throw e;
        } catch (BotApiException e) {
            if (cancellations.get() != generation) {
                throw new BotApiException(BotApiException.Kind.CANCELLED, 0, null, "cancelled", null);
            }
            throw e;
        }
    }

    /** getUpdates requests still running on the poll client's threads. */
    int runningPolls() {
        return pollHttp.dispatcher().runningCallsCount();
    }

    /** Aborts an open long poll (its caller gets {@link BotApiException.Kind#CANCELLED}). */
    public void cancelPoll() {
        cancellations.incrementAndGet();
        pollHttp.dispatcher().cancelAll();
    }

    /** Sends a text; the future fails with a {@link BotApiException}. */
    public CompletableFuture<Message> sendMessage(long chatId, String text) {
        try {
            return sendClient.executeAsync(new SendMessage(String.valueOf(chatId), text))
                    .handle((message, failure) -> {
                        if (failure != null) {
                            throw new CompletionException(translate(unwrap(failure)));
                        }
                        return message;
                    });
        } catch (TelegramApiException | RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e));
        }
    }

    private <T extends java.io.Serializable> T call(OkHttpTelegramClient client, BotApiMethod<T> method)
            throws BotApiException, InterruptedException {
        CompletableFuture<T> future;
        try {
            future = client.executeAsync(method);
        } catch (TelegramApiException | RuntimeException e) {
            throw translate(e);
        }
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw translate(unwrap(e));
        } catch (CancellationException e) {
            throw new BotApiException(BotApiException.Kind.CANCELLED, 0, null, "cancelled", null);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Classifies a failure; the message is the token-free description. */
    BotApiException translate(Throwable failure) {
        if (failure instanceof BotApiException) {
            return (BotApiException) failure;
        }
        String message = token.redact(String.valueOf(failure.getMessage()));
        if (failure instanceof TelegramApiRequestException) {
            TelegramApiRequestException request = (TelegramApiRequestException) failure;
            Integer code = request.getErrorCode();
            String description = token.redact(request.getApiResponse());
            if (code == null || code == 0 || description == null) {
                // No Bot API answer could be read (an HTML error page from a proxy, a cut-off body).
                return new BotApiException(BotApiException.Kind.SERVER, 0, null,
                        "unreadable answer from the Bot API: " + message, null);
            }
            String text = "[" + code + "] " + description;
            if (code == 409) {
                return new BotApiException(BotApiException.Kind.CONFLICT, code, null, text, null);
            }
            if (code == 429) {
                Integer seconds = request.getParameters() == null ? null : request.getParameters().getRetryAfter();
                Duration wait = Duration.ofSeconds(seconds == null ? 1 : Math.max(1, seconds));
                return new BotApiException(BotApiException.Kind.TOO_MANY_REQUESTS, code, wait, text, null);
            }
            if (code == 401 || code == 404) {
                return new BotApiException(BotApiException.Kind.UNAUTHORIZED, code, null, text, null);
            }
            if (code >= 500) {
                return new BotApiException(BotApiException.Kind.SERVER, code, null, text, null);
            }
            return new BotApiException(BotApiException.Kind.REJECTED, code, null, text, null);
        }
        if (failure instanceof IOException) {
            return new BotApiException(BotApiException.Kind.NETWORK, 0, null,
                    failure.getClass().getSimpleName() + ": " + message, null);
        }
        if (failure instanceof TelegramApiException && failure.getCause() instanceof IOException) {
            return translate(failure.getCause());
        }
        return new BotApiException(BotApiException.Kind.SERVER, 0, null, failure.getClass().getSimpleName() + ": " + message, null);
    }

    @Override
    public void close() {
        pollHttp.dispatcher().cancelAll();
        sendHttp.dispatcher().cancelAll();
        Threads.shutdown(pollThreads, Duration.ofSeconds(2), "The poll HTTP threads");
        Threads.shutdown(sendThreads, Duration.ofSeconds(2), "The send HTTP threads");
        pollHttp.connectionPool().evictAll();
    }
}
