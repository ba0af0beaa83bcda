package dev.botops.bot.telegram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * What the Bot API server answered to each call: its HTTP status and the first bytes of its body. TelegramBots
 * reads only the body and reports a body it cannot map as "Unable to deserialize response", without the status;
 * but whether the server answered at all, and with which status, decides what the bot may do next: a 2xx means
 * the server carried the request out (a message was sent), a connection failure means nobody answered.
 *
 * <p>An OkHttp interceptor records each answer under its {@link Call}. The library creates the call inside
 * {@code executeAsync}, on the caller's thread, and OkHttp asks the {@link EventListener.Factory} for the call's
 * listener right there; so the gateway learns which call belongs to which future with {@link #takeCreatedCall()}
 * just after {@code executeAsync} returns.
 */
final class ServerAnswers implements Interceptor {
    /** Bytes of a body kept for messages: enough to recognise an HTML page or a cut-off JSON. */
    static final int KEPT_BYTES = 160;

    /** What the server answered. {@code start} is the body's beginning, not yet masked. */
    record Answer(int status, String start) {
        boolean success() {
            return status / 100 == 2;
        }
    }

    private final Map<Call, Answer> answers = Collections.synchronizedMap(new WeakHashMap<>());
    private final ThreadLocal<Call> created = new ThreadLocal<>();

    /** Install with {@code OkHttpClient.Builder.eventListenerFactory}: notes each call created on this thread. */
    EventListener.Factory callCatcher() {
        return call -> {
            created.set(call);
            return EventListener.NONE;
        };
    }

    /** The call created last on this thread (by the {@code executeAsync} just made), or null; forgets it. */
    Call takeCreatedCall() {
        Call call = created.get();
        created.remove();
        return call;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        // The status first: a 2xx whose body then breaks off was still carried out.
        answers.put(chain.call(), new Answer(response.code(), ""));
        String start = new String(response.peekBody(KEPT_BYTES).bytes(), StandardCharsets.UTF_8);
        answers.put(chain.call(), new Answer(response.code(), start));
        return response;
    }

    /** The answer to {@code call}, if the server gave one; forgets it. */
    Optional<Answer> take(Call call) {
        return call == null ? Optional.empty() : Optional.ofNullable(answers.remove(call));
    }
}
