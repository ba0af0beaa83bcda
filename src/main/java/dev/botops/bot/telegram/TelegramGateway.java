package dev.botops.bot.telegram;

import dev.botops.concurrent.Threads;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
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
 * {@link BotApiException} that says what the server answered (see {@link ServerAnswers}), with the token masked.
 */
public final class TelegramGateway implements AutoCloseable {
    /** Characters of an unreadable answer shown in messages and states. */
    private static final int SHOWN_CHARS = 100;

    private final BotToken token;
    private final ServerAnswers answers = new ServerAnswers();
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
                .addInterceptor(answers)
                .eventListenerFactory(answers.callCatcher())
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
                .addInterceptor(answers)
                .eventListenerFactory(answers.callCatcher())
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
        return call(sendClient, "getMe", new GetMe());
    }

    public WebhookInfo webhookInfo() throws BotApiException, InterruptedException {
        return call(sendClient, "getWebhookInfo", new GetWebhookInfo());
    }

    /** Removes the webhook and keeps pending updates (they are ours to process). */
    public void deleteWebhook() throws BotApiException, InterruptedException {
        call(sendClient, "deleteWebhook", new DeleteWebhook(false));
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
            return call(pollClient, "getUpdates", request);
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

    /**
     * Sends a text; the future fails with a {@link BotApiException}. Its kind {@link BotApiException.Kind#UNREADABLE}
     * means the server answered 2xx: the message was sent, only the answer could not be read.
     */
    public CompletableFuture<Message> sendMessage(long chatId, String text) {
        CompletableFuture<Message> future;
        Call httpCall;
        try {
            future = sendClient.executeAsync(new SendMessage(String.valueOf(chatId), text));
        } catch (TelegramApiException | RuntimeException e) {
            return CompletableFuture.failedFuture(translate("sendMessage", e, Optional.empty()));
        } finally {
            httpCall = answers.takeCreatedCall();
        }
        return future.handle((message, failure) -> {
            Optional<ServerAnswers.Answer> answer = answers.take(httpCall);
            if (failure != null) {
                throw new CompletionException(translate("sendMessage", unwrap(failure), answer));
            }
            return message;
        });
    }

    /** @param name the method's name as the Bot API documents it, for messages (the library's path is lower case) */
    private <T extends Serializable> T call(OkHttpTelegramClient client, String name, BotApiMethod<T> method)
            throws BotApiException, InterruptedException {
        CompletableFuture<T> future;
        Call httpCall;
        try {
            future = client.executeAsync(method);
        } catch (TelegramApiException | RuntimeException e) {
            throw translate(name, e, Optional.empty());
        } finally {
            httpCall = answers.takeCreatedCall();
        }
        try {
            T result = future.get();
            answers.take(httpCall);
            return result;
        } catch (ExecutionException e) {
            throw translate(name, unwrap(e), answers.take(httpCall));
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

    /**
     * Classifies a failure of {@code method} by what the server answered: the Bot API's own error when it gave
     * one; otherwise the HTTP status of an answer the client could not read (a 2xx was carried out); otherwise
     * nobody answered. The message names the method and what was answered, with the token masked.
     */
    BotApiException translate(String method, Throwable failure, Optional<ServerAnswers.Answer> answer) {
        if (failure instanceof BotApiException) {
            return (BotApiException) failure;
        }
        if (failure instanceof TelegramApiRequestException) {
            TelegramApiRequestException request = (TelegramApiRequestException) failure;
            Integer code = request.getErrorCode();
            if (code != null && code != 0 && request.getApiResponse() != null) {
                return byStatus(code, method + ": [" + code + "] " + token.redact(request.getApiResponse()), retryAfter(request));
            }
        }
        if (answer.isPresent()) {
            return unreadable(method, failure, answer.get());
        }
        if (failure instanceof TelegramApiRequestException) {
            // An answer came (the library read it) but was not recorded: say what the library could not read.
            return new BotApiException(BotApiException.Kind.SERVER, 0, null,
                    method + ": the client could not read the answer (" + problem(failure) + ")", null);
        }
        if (failure instanceof IOException || failure.getCause() instanceof IOException) {
            Throwable io = failure instanceof IOException ? failure : failure.getCause();
            return new BotApiException(BotApiException.Kind.NETWORK, 0, null,
                    method + ": no answer (" + io.getClass().getSimpleName() + ": " + token.redact(String.valueOf(io.getMessage())) + ")", null);
        }
        return new BotApiException(BotApiException.Kind.SERVER, 0, null,
                method + ": " + failure.getClass().getSimpleName() + ": " + token.redact(String.valueOf(failure.getMessage())), null);
    }

    /** An answer without a Bot API error the client could read: what it was, by HTTP status. */
    private BotApiException unreadable(String method, Throwable failure, ServerAnswers.Answer answer) {
        String start = quote(answer.start());
        if (answer.success()) {
            return new BotApiException(BotApiException.Kind.UNREADABLE, answer.status(), null, method + " answered HTTP " + answer.status()
                    + " but the client could not read the answer (" + problem(failure) + "): " + start, null);
        }
        return byStatus(answer.status(), method + " answered HTTP " + answer.status() + ": " + start, Duration.ofSeconds(1));
    }

    private static BotApiException byStatus(int code, String text, Duration retryAfter) {
        BotApiException.Kind kind;
        if (code == 409) {
            kind = BotApiException.Kind.CONFLICT;
        } else if (code == 429) {
            return new BotApiException(BotApiException.Kind.TOO_MANY_REQUESTS, code, retryAfter, text, null);
        } else if (code == 401) {
            kind = BotApiException.Kind.UNAUTHORIZED;
        } else if (code == 404) {
            kind = BotApiException.Kind.NOT_FOUND;
        } else if (code >= 500) {
            kind = BotApiException.Kind.SERVER;
        } else {
            kind = BotApiException.Kind.REJECTED;
        }
        return new BotApiException(kind, code, null, text, null);
    }

    private static Duration retryAfter(TelegramApiRequestException request) {
        Integer seconds = request.getParameters() == null ? null : request.getParameters().getRetryAfter();
        return Duration.ofSeconds(seconds == null ? 1 : Math.max(1, seconds));
    }

    /** The body's first bytes on one line, masked and cut, for a log line or a state. */
    private String quote(String start) {
        String oneLine = token.redact(start).replaceAll("\\s+", " ").strip();
        if (oneLine.isEmpty()) {
            return "(empty body)";
        }
        return oneLine.length() > SHOWN_CHARS ? oneLine.substring(0, SHOWN_CHARS) + "…" : oneLine;
    }

    /** What the client library could not read, in its own words (Jackson's, without the source location). */
    private String problem(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        String text = cause instanceof JsonProcessingException
                ? ((JsonProcessingException) cause).getOriginalMessage() : String.valueOf(cause.getMessage());
        // `org.telegram.telegrambots.meta.api.objects.User$UserBuilderImpl` reads better as `User`.
        return token.redact(text.replaceAll("`(?:[\\w.]+\\.)?(\\w+)(?:\\$\\w+)*`", "`$1`").lines().findFirst().orElse(""));
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
