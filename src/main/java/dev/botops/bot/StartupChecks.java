package dev.botops.bot;

import dev.botops.bot.telegram.BotApiException;
import dev.botops.bot.telegram.TelegramGateway;
import dev.botops.config.ConfigKey;
import dev.botops.monitor.Severity;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.WebhookInfo;

/**
 * The checks before polling: the bot's name ({@code getMe}) and {@code bot.webhook-policy} ({@code getWebhookInfo},
 * {@code deleteWebhook}). Neither is needed to poll, so an answer they cannot use (an error, a body the client
 * cannot read, a method the server does not implement) is logged and polling goes ahead: with policy
 * {@code delete} the webhook is deleted without looking, and a webhook still in the way shows up as a 409 that
 * brings the bot back here. Only a rejected token, and a webhook under policy {@code refuse}, keep the bot from
 * polling. While nobody answers at all, the calls are retried (polling could not work either).
 */
final class StartupChecks {
    private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);

    private final BotConfig config;
    private final TelegramGateway gateway;
    private final StatusBoard board;
    private final FailurePolicy policy;

    /** Bot API calls as the polling run makes them: retried while nobody answers, ended by a stop. */
    interface Calls {
        <T> T untilAnswered(Call<T> call) throws BotApiException;
    }

    @FunctionalInterface
    interface Call<T> {
        T call() throws BotApiException, InterruptedException;
    }

    /**
     * How the checks ended.
     *
     * @param problems what went wrong in checks that did not keep the bot from polling
     * @param stop     why the bot must not poll; empty when it may
     */
    record Outcome(List<String> problems, Optional<FailurePolicy.Verdict> stop) {
        boolean poll() {
            return stop.isEmpty();
        }
    }

    StartupChecks(BotConfig config, TelegramGateway gateway, StatusBoard board, FailurePolicy policy) {
        this.config = config;
        this.gateway = gateway;
        this.board = board;
        this.policy = policy;
    }

    /** Both checks, before a run's first poll. Throws only {@link BotApiException.Kind#CANCELLED}: the run is stopping. */
    Outcome beforePolling(Calls calls) throws BotApiException {
        List<String> problems = new ArrayList<>();
        try {
            User me = calls.untilAnswered(gateway::getMe);
            board.username(me.getUserName());
        } catch (BotApiException e) {
            Optional<FailurePolicy.Verdict> stop = unusable(e, "the bot's name is unknown, so no command is taken as meant for another bot",
                    problems);
            if (stop.isPresent()) {
                return new Outcome(problems, stop);
            }
        }
        return webhook(calls, problems, false);
    }

    /** The webhook policy again, because getUpdates answered 409: a webhook is set. */
    Outcome webhookInTheWay(Calls calls) throws BotApiException {
        return webhook(calls, new ArrayList<>(), true);
    }

    private Outcome webhook(Calls calls, List<String> problems, boolean knownToBeSet) throws BotApiException {
        boolean refuse = config.webhookPolicy() == ConfigKey.WebhookPolicy.REFUSE;
        String url;
        try {
            WebhookInfo webhook = calls.untilAnswered(gateway::webhookInfo);
            url = webhook.getUrl() == null ? "" : webhook.getUrl();
        } catch (BotApiException e) {
            String consequence = refuse ? "whether a webhook is set shows when polling" : "deleting any webhook without looking";
            Optional<FailurePolicy.Verdict> stop = unusable(e, consequence, problems);
            if (stop.isPresent()) {
                return new Outcome(problems, stop);
            }
            if (refuse) {
                return knownToBeSet ? refused("its URL unknown", problems) : new Outcome(problems, Optional.empty());
            }
            int before = problems.size();
            Outcome outcome = delete(calls, "any webhook", problems);
            if (outcome.poll() && problems.size() == before) {
                log.info("Deleted any webhook without looking (bot.webhook-policy=delete), so that polling works");
            }
            return outcome;
        }
        if (url.isEmpty() && !knownToBeSet) {
            return new Outcome(problems, Optional.empty());
        }
        String shown = url.isEmpty() ? "its URL unknown" : describeWebhook(url);
        if (refuse) {
            return refused(shown, problems);
        }
        int before = problems.size();
        Outcome outcome = delete(calls, "the webhook (" + shown + ")", problems);
        if (outcome.poll() && problems.size() == before) {
            log.warn("Removed the webhook ({}) that was set for this bot, so that polling works", shown);
            policy.raise(FailurePolicy.WEBHOOK_RULE, Severity.WARNING, "A webhook (" + shown + ") was set for this bot; it was removed "
                    + "so that polling works.", "Something else was configured to receive this bot's updates by webhook. "
                    + "Check other deployments using this token.");
        }
        return outcome;
    }

    private Outcome delete(Calls calls, String what, List<String> problems) throws BotApiException {
        try {
            calls.untilAnswered(() -> {
                gateway.deleteWebhook();
                return Boolean.TRUE;
            });
            return new Outcome(problems, Optional.empty());
        } catch (BotApiException e) {
            return new Outcome(problems, unusable(e, "could not delete " + what + "; polling shows whether one is in the way", problems));
        }
    }

    private Outcome refused(String shown, List<String> problems) {
        return new Outcome(problems, Optional.of(policy.stop(FailurePolicy.WEBHOOK_RULE, "A webhook is set (" + shown
                + ") and bot.webhook-policy is 'refuse': the bot does not poll",
                "Remove the webhook (deleteWebhook) or set bot.webhook-policy=delete, then retry the bot.")));
    }

    /**
     * A check's call failed with an answer the bot cannot use: logged, counted and noted, and polling goes ahead,
     * unless the token was rejected (the verdict to stop). A cancelled call is thrown on: the run is stopping.
     */
    private Optional<FailurePolicy.Verdict> unusable(BotApiException e, String consequence, List<String> problems) throws BotApiException {
        if (e.kind() == BotApiException.Kind.CANCELLED) {
            throw e;
        }
        if (e.kind() == BotApiException.Kind.UNAUTHORIZED) {
            return Optional.of(policy.refuseToken(e));
        }
        policy.counted(e);
        log.warn("Start-up check failed, polling anyway: {}; {}", e.getMessage(), consequence);
        problems.add(e.getMessage() + " (" + consequence + ")");
        return Optional.empty();
    }

    /** Scheme and host only: a webhook URL often carries the token or a secret in its path. */
    static String describeWebhook(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPath() == null || uri.getPath().isEmpty() ? "" : "/…");
        } catch (IllegalArgumentException e) {
            return "an unparsable URL";
        }
    }
}
