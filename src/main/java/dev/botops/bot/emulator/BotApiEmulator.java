package dev.botops.bot.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.botops.concurrent.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback-only emulator of the Telegram Bot API: {@code getMe}, {@code getUpdates} (offset, limit, long
 * poll, 409 when a newer poll or a webhook is in the way), {@code sendMessage} (with Telegram's flood limits),
 * {@code getWebhookInfo}, {@code setWebhook}, {@code deleteWebhook}. The user side (posting messages, reading
 * the bot's replies) and fault injection are plain methods. It is the test double of the whole suite and the
 * sandbox the app runs the bot against when no token is configured.
 */
public final class BotApiEmulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BotApiEmulator.class);
    private static final int MAX_TEXT = 4096;

    private final ObjectMapper json = new ObjectMapper();
    private final String token;
    private final EmulatorOptions options;
    private final HttpServer server;
    private final ExecutorService executor;
    private final UpdateQueue updates;
    private final FloodControl flood;
    private final AtomicLong nextMessageId = new AtomicLong(1);
    private final List<SentMessage> sent = new CopyOnWriteArrayList<>();
    private final List<Consumer<SentMessage>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Fault>> faults = new HashMap<>();
    /** Faults that answer every call of a method ({@code *}: of every method), until cleared. */
    private final Map<String, Fault> standingFaults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger conflicts = new AtomicInteger();
    private volatile String webhookUrl = "";

    private BotApiEmulator(String token, EmulatorOptions options, HttpServer server, ExecutorService executor) {
        this.token = token;
        this.options = options;
        this.server = server;
        this.executor = executor;
        this.updates = new UpdateQueue(options.firstUpdateId());
        this.flood = new FloodControl(options.floodLimits());
        options.standingFaults().forEach(this::always);
    }

    /** Starts an emulator on a free port of 127.0.0.1 that accepts only the given token. */
    public static BotApiEmulator start(String token, EmulatorOptions options) {
        ExecutorService executor = Executors.newFixedThreadPool(16, Threads.numberedDaemons("botapi-emulator"));
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setExecutor(executor);
            BotApiEmulator emulator = new BotApiEmulator(token, options, server, executor);
            server.createContext("/", emulator::handle);
            server.start();
            log.info("Bot API emulator listening on 127.0.0.1:{}", emulator.port());
            return emulator;
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("Cannot start the Bot API emulator on 127.0.0.1", e);
        }
    }

    public static BotApiEmulator start(String token) {
        return start(token, EmulatorOptions.DEFAULTS);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Base URL for {@code TELEGRAM_API_URL}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public EmulatorOptions options() {
        return options;
    }

    // ---- the user side ---------------------------------------------------------------------------

    /** A user sends a text; returns the update id. */
    public long post(UserMessage message) {
        return postAll(List.of(message)).get(0);
    }

    /** Several texts that arrive together: one getUpdates sees them all. Returns their update ids in order. */
    public List<Long> postAll(List<UserMessage> messages) {
        List<LongFunction<ObjectNode>> builders = new ArrayList<>();
        for (UserMessage m : messages) {
            builders.add(id -> update(id, "message", message(m, false).put("text", m.text())));
        }
        return updates.append(builders);
    }

    /** A user edits an earlier message (bots receive it as {@code edited_message}). */
    public long postEdit(UserMessage message) {
        return updates.append(List.of(id -> update(id, "edited_message", message(message, true).put("text", message.text())))).get(0);
    }

    /** A user shares a location: a message without text. */
    public long postLocation(long chatId, long userId, String firstName) {
        UserMessage m = new UserMessage(chatId, userId, firstName, "");
        return updates.append(List.of(id -> {
            ObjectNode message = message(m, false);
            message.putObject("location").put("latitude", 52.52).put("longitude", 13.405);
            return update(id, "message", message);
        })).get(0);
    }

    private ObjectNode update(long id, String field, ObjectNode message) {
        ObjectNode update = json.createObjectNode().put("update_id", id);
        update.set(field, message);
        return update;
    }

    private ObjectNode message(UserMessage m, boolean edited) {
        long now = Instant.now().getEpochSecond();
        ObjectNode message = json.createObjectNode()
                .put("message_id", nextMessageId.getAndIncrement())
                .put("date", now);
        if (edited) {
            message.put("edit_date", now);
        }
        message.set("chat", chat(m.chatId(), m.firstName()));
        message.putObject("from").put("id", m.userId()).put("is_bot", false).put("first_name", m.firstName());
        return message;
    }

    private ObjectNode chat(long chatId, String firstName) {
        ObjectNode chat = json.createObjectNode().put("id", chatId);
        if (chatId < 0) {
            chat.put("type", "group").put("title", "Group " + (-chatId));
        } else {
            chat.put("type", "private").put("first_name", firstName == null ? "User" : firstName);
        }
        return chat;
    }

    /** Everything the bot has sent, in order. */
    public List<SentMessage> sent() {
        return List.copyOf(sent);
    }

    /** What the bot has sent to one chat, in order. */
    public List<SentMessage> sentTo(long chatId) {
        List<SentMessage> result = new ArrayList<>();
        for (SentMessage m : sent) {
            if (m.chatId() == chatId) {
                result.add(m);
            }
        }
        return result;
    }

    /** Told about each message the bot sends (on an emulator thread). */
    public void addListener(Consumer<SentMessage> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<SentMessage> listener) {
        listeners.remove(listener);
    }

    // ---- state and fault injection -----------------------------------------------------------------

    /** Sets a webhook as if another deployment had called setWebhook. */
    public void setWebhookUrl(String url) {
        webhookUrl = url == null ? "" : url;
    }

    public String webhookUrl() {
        return webhookUrl;
    }

    /** The next {@code times} calls of the method are answered with the fault. */
    public void inject(String method, Fault fault, int times) {
        synchronized (faults) {
            Deque<Fault> queue = faults.computeIfAbsent(method.toLowerCase(Locale.ROOT), m -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                queue.addLast(fault);
            }
        }
    }

    public void inject(String method, Fault fault) {
        inject(method, fault, 1);
    }

    /**
     * Every call of the method ({@code *}: of every method) is answered with the fault from now on, until
     * {@link #clearFaults()}; faults injected for the next calls still come first.
     */
    public void always(String method, Fault fault) {
        standingFaults.put(method.toLowerCase(Locale.ROOT), fault);
    }

    /** Drops faults not yet used, and standing ones. */
    public void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
        standingFaults.clear();
    }

    /** Faults still queued for the method. */
    public int pendingFaults(String method) {
        synchronized (faults) {
            Deque<Fault> queue = faults.get(method.toLowerCase(Locale.ROOT));
            return queue == null ? 0 : queue.size();
        }
    }

    /** How many times the method was called (faulted calls included). */
    public int calls(String method) {
        AtomicInteger count = calls.get(method.toLowerCase(Locale.ROOT));
        return count == null ? 0 : count.get();
    }

    /** 409 Conflict answers given: injected, while a webhook was set, or to a poll that a newer getUpdates ended. */
    public int conflicts() {
        return conflicts.get();
    }

    /** sendMessage calls answered with 429 because the bot sent too fast. */
    public int floodRejections() {
        return flood.rejections();
    }

    public int pendingUpdates() {
        return updates.pendingCount();
    }

    /**
     * Blocks until the bot has fetched and confirmed every update posted so far (a getUpdates offset past them).
     *
     * @return true when none is pending; false when {@code timeout} passed first
     */
    public boolean awaitNoPendingUpdates(Duration timeout) throws InterruptedException {
        return updates.awaitDrained(timeout.toNanos());
    }

    /** Every update below this id has been confirmed by the bot (a getUpdates offset above it). */
    public long confirmedBelow() {
        return updates.confirmedBelow();
    }

    /** getUpdates calls currently waiting (long polls open). */
    public int openPolls() {
        return updates.activePolls();
    }

    // ---- HTTP ----------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String prefix = "/bot" + token + "/";
            if (!path.startsWith(prefix)) {
                drain(exchange);
                respond(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            // Bot API method names are case-insensitive (TelegramBots sends them in lower case).
            String method = path.substring(prefix.length()).toLowerCase(Locale.ROOT);
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            JsonNode params = params(exchange);
            Fault fault = nextFault(method);
            if (fault != null && !fault.afterWork() && applyFault(exchange, fault)) {
                return;
            }
            Answer answer = answer(method, params);
            if (fault != null && fault.afterWork() && answer.status / 100 == 2) {
                answer = spoil(answer, fault);
            }
            respond(exchange, answer.status, "application/json", answer.body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away (a cancelled long poll): nothing to answer.
            log.debug("Emulator exchange ended early: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Emulator failed to answer {}", exchange.getRequestURI().getPath().replace(token, "<token>"), e);
        }
    }

    private Fault nextFault(String method) {
        synchronized (faults) {
            Deque<Fault> queue = faults.get(method);
            Fault next = queue == null ? null : queue.pollFirst();
            if (next != null) {
                return next;
            }
        }
        Fault standing = standingFaults.get(method);
        return standing != null ? standing : standingFaults.get("*");
    }

    /** The answer of a request that was carried out, spoilt the way the fault says. */
    private Answer spoil(Answer answer, Fault fault) throws IOException {
        if (fault.kind() == Fault.Kind.TRUNCATED_ANSWER) {
            return new Answer(answer.status, Arrays.copyOf(answer.body, answer.body.length / 2));
        }
        JsonNode body = json.readTree(answer.body);
        if (body.path("result").isObject()) {
            ((ObjectNode) body.get("result")).remove(fault.body());
        }
        return new Answer(answer.status, json.writeValueAsBytes(body));
    }

    /** Applies a fault; true when it replaced the answer, false when the normal answer follows (slow). */
    private boolean applyFault(HttpExchange exchange, Fault fault) throws IOException, InterruptedException {
        switch (fault.kind()) {
            case CONFLICT:
                conflicts.incrementAndGet();
                respond(exchange, 409, error(409, "Conflict: terminated by other getUpdates request; "
                        + "make sure that only one bot instance is running"));
                return true;
            case TOO_MANY_REQUESTS:
                respond(exchange, 429, tooManyRequests(fault.duration()));
                return true;
            case SERVER_ERROR:
                byte[] html = ("<html><head><title>" + fault.status() + " Bad Gateway</title></head><body><center><h1>"
                        + fault.status() + " Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html");
                exchange.sendResponseHeaders(fault.status(), html.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(html);
                }
                return true;
            case SLOW:
                Thread.sleep(fault.duration().toMillis());
                return false;
            case DROP_CONNECTION:
                // Closing the exchange before any response header closes the TCP connection.
                return true;
            case ANSWER:
                respond(exchange, fault.status(), fault.contentType(), fault.body().getBytes(StandardCharsets.UTF_8));
                return true;
            default:
                throw new IllegalStateException(fault.kind().name());
        }
    }

    private record Answer(int status, byte[] body) {
    }

    private Answer answer(String method, JsonNode params) throws InterruptedException, IOException {
        switch (method) {
            case "getme":
                ObjectNode me = json.createObjectNode().put("id", options.botId()).put("is_bot", true)
                        .put("first_name", "BotOps Sandbox").put("username", options.botUsername());
                return ok(me);
            case "getupdates":
                return getUpdates(params);
            case "sendmessage":
                return sendMessage(params);
            case "getwebhookinfo":
                ObjectNode info = json.createObjectNode().put("url", webhookUrl).put("has_custom_certificate", false)
                        .put("pending_update_count", updates.pendingCount());
                return ok(info);
            case "setwebhook":
                String url = params.path("url").asText("");
                webhookUrl = url;
                return ok(json.getNodeFactory().booleanNode(true));
            case "deletewebhook":
                webhookUrl = "";
                if (params.path("drop_pending_updates").asBoolean(false)) {
                    updates.dropPending();
                }
                return ok(json.getNodeFactory().booleanNode(true));
            default:
                log.warn("Emulator: unknown Bot API method '{}'", method);
                return new Answer(404, error(404, "Not Found"));
        }
    }

    private Answer getUpdates(JsonNode params) throws InterruptedException, IOException {
        if (!webhookUrl.isEmpty()) {
            conflicts.incrementAndGet();
            return new Answer(409, error(409, "Conflict: can't use getUpdates method while webhook is active; "
                    + "use deleteWebhook to delete the webhook first"));
        }
        long offset = params.path("offset").asLong(0);
        int limit = Math.max(1, Math.min(100, params.path("limit").asInt(100)));
        long timeoutSeconds = Math.max(0, params.path("timeout").asLong(0));
        UpdateQueue.Poll poll = updates.poll(offset, limit, TimeUnit.SECONDS.toMillis(timeoutSeconds));
        if (poll.terminated()) {
            conflicts.incrementAndGet();
            return new Answer(409, error(409, "Conflict: terminated by other getUpdates request; "
                    + "make sure that only one bot instance is running"));
        }
        return ok(json.valueToTree(poll.updates()));
    }

    private Answer sendMessage(JsonNode params) throws IOException {
        JsonNode chatNode = params.get("chat_id");
        if (chatNode == null || chatNode.asText().isEmpty()) {
            return new Answer(400, error(400, "Bad Request: chat_id is empty"));
        }
        long chatId;
        try {
            chatId = Long.parseLong(chatNode.asText());
        } catch (NumberFormatException e) {
            return new Answer(400, error(400, "Bad Request: chat not found"));
        }
        String text = params.path("text").asText("");
        if (text.isBlank()) {
            return new Answer(400, error(400, "Bad Request: message text is empty"));
        }
        if (text.codePointCount(0, text.length()) > MAX_TEXT) {
            return new Answer(400, error(400, "Bad Request: message is too long"));
        }
        long now = System.nanoTime();
        Duration wait = flood.admit(chatId, now);
        if (!wait.isZero()) {
            return new Answer(429, tooManyRequests(wait));
        }
        long messageId = nextMessageId.getAndIncrement();
        SentMessage message = new SentMessage(messageId, chatId, text, Instant.now(), now);
        sent.add(message);
        for (Consumer<SentMessage> listener : listeners) {
            try {
                listener.accept(message);
            } catch (RuntimeException e) {
                log.warn("Emulator listener failed", e);
            }
        }
        ObjectNode result = json.createObjectNode().put("message_id", messageId).put("date", message.sentAt().getEpochSecond())
                .put("text", text);
        result.set("chat", chat(chatId, null));
        result.putObject("from").put("id", options.botId()).put("is_bot", true).put("first_name", "BotOps Sandbox")
                .put("username", options.botUsername());
        return ok(result);
    }

    private byte[] tooManyRequests(Duration retryAfter) throws IOException {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        ObjectNode body = json.createObjectNode().put("ok", false).put("error_code", 429)
                .put("description", "Too Many Requests: retry after " + seconds);
        body.putObject("parameters").put("retry_after", seconds);
        return json.writeValueAsBytes(body);
    }

    private Answer ok(JsonNode result) throws IOException {
        ObjectNode body = json.createObjectNode().put("ok", true);
        body.set("result", result);
        return new Answer(200, json.writeValueAsBytes(body));
    }

    private byte[] error(int code, String description) throws IOException {
        return json.writeValueAsBytes(json.createObjectNode().put("ok", false).put("error_code", code).put("description", description));
    }

    /** Parameters from the query string, a JSON body or a form body, as the Bot API accepts them. */
    private JsonNode params(HttpExchange exchange) throws IOException {
        ObjectNode params = json.createObjectNode();
        parseForm(exchange.getRequestURI().getRawQuery(), params);
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (body.length > 0) {
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (contentType.contains("json")) {
                JsonNode parsed = json.readTree(body);
                if (parsed != null && parsed.isObject()) {
                    params.setAll((ObjectNode) parsed);
                }
            } else {
                parseForm(new String(body, StandardCharsets.UTF_8), params);
            }
        }
        return params;
    }

    private static void parseForm(String form, ObjectNode into) {
        if (form == null || form.isEmpty()) {
            return;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            into.put(key, value);
        }
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        respond(exchange, status, "application/json", body);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        updates.close();
        server.stop(0);
        // Open long polls hold threads; they end at once when interrupted.
        Threads.shutdownNow(executor, Duration.ofSeconds(2), "The Bot API emulator");
    }
}
